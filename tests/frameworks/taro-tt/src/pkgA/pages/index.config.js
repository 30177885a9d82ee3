export default { navigationBarTitleText: 'mpshield' };
