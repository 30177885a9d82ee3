// The fixture app: the hotel check-in at launch, with mpshield imported as
// the README tells Taro users to.
import { useLaunch } from '@tarojs/taro';
import * as mpshield from 'mpshield/miniprogram';
import { checkIn } from '../../shared/checkin.js';

function App({ children }) {
  useLaunch(() => {
    checkIn(mpshield, MPSHIELD_WASM_PATH || undefined);
  });
  return children;
}

export default App;
