export default {
  pages: ['pages/index/index'],
  subPackages: [{ root: 'pkgA', pages: ['pages/index'] }],
  window: { navigationBarTitleText: 'mpshield' },
};
