// Synthetic consent records for the JS tests (all names, codes and ids are
// made up). `syntheticRecord` is self-contained ES2017 so that the
// mini-program test can inject its source into the emulated runtime and
// build the records there (objects from another realm are refused there).

/**
 * Record number `i` of a realistic mix: hotel check-ins (ID number masked,
 * 30 days), separate consents to sensitive fields with another handler as
 * recipient, age checks, refusals. `t0`: seconds since the epoch.
 */
export function syntheticRecord(i, t0) {
  const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function uscc(n) {
    const first = '91440300' + String(1000000000 + (n % 1000000000)).slice(1);
    let sum = 0;
    for (let k = 0; k < 17; k++) sum += CHARS.indexOf(first[k]) * W[k];
    return first + CHARS[(31 - (sum % 31)) % 31];
  }
  function b64(n, len) {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let s = '';
    let x = (n * 2654435761) >>> 0;
    for (let k = 0; k < len; k++) {
      x = (x * 1103515245 + 12345) >>> 0;
      s += A[(x >>> 16) & 63];
    }
    return s;
  }
  const hotels = ['某某酒店', '测试宾馆', '示例大酒店', '样例旅店', '演示客栈'];
  const time = t0 + i * 600;
  const kind = i % 10;
  const principal = 'p1:' + b64(i % 97, 43);
  if (kind < 6) {
    const h = i % hotels.length;
    return {
      event: 'disclosed',
      time,
      principal,
      controller: { name: hotels[h] + '（第' + (h + 1) + '分店）', uscc: uscc(h * 7919 + 1), contact: 'privacy@hotel' + h + '.example' },
      purposes: ['住宿登记'],
      lawfulBasis: 'legal_duty',
      consentType: 'explicit',
      fields: [
        { licence: 'resident_id_card', field: 'name', form: 'full', sensitive: false, retentionDays: 30 },
        { licence: 'resident_id_card', field: 'id_number', form: 'masked', sensitive: false, retentionDays: 30 },
      ],
      jurisdiction: 'CN',
      storageLocation: 'CN-GD',
      notice: { url: 'https://hotel' + h + '.example/privacy', sha256: b64(h + 1, 42) + 'A' },
      withdrawalMethod: '小程序“我的-授权管理”',
      presentation: { sdHash: b64(i, 43), nonce: b64(i + 7, 22), audience: 'https://hotel' + h + '.example', recipientKeyId: b64(h + 3, 43) },
    };
  }
  if (kind < 8) {
    return {
      event: 'given',
      time,
      principal,
      controller: { name: '示例政务服务中心', uscc: uscc(424242), contact: '12345' },
      recipients: [{ name: '示例社保经办机构', uscc: uscc(737373), role: 'handler' }],
      purposes: ['残疾人证业务办理', '补贴发放'],
      lawfulBasis: 'consent',
      consentType: 'separate',
      fields: [
        { licence: 'disability_certificate', field: 'disability_category', form: 'full', sensitive: true, retentionDays: 1095 },
        { licence: 'resident_id_card', field: 'photo', form: 'full', sensitive: true, retentionDays: 90 },
      ],
      jurisdiction: 'CN',
      storageLocation: 'CN-BJ',
      withdrawalMethod: '拨打 12345 或在小程序内撤回',
    };
  }
  if (kind === 8) {
    return {
      event: 'disclosed',
      time,
      principal,
      controller: { name: '演示网吧连锁', uscc: uscc(999), contact: 'dpo@netbar.example' },
      purposes: ['未成年人上网限制核验'],
      lawfulBasis: 'legal_duty',
      consentType: 'explicit',
      fields: [{ licence: 'resident_id_card', field: 'age_equal_or_over', form: 'predicate', sensitive: false, retentionDays: 0 }],
    };
  }
  return {
    event: 'refused',
    time,
    principal,
    controller: { name: '样例营销有限公司', uscc: uscc(31337) },
    purposes: ['个性化推荐'],
    lawfulBasis: 'consent',
    consentType: 'explicit',
    fields: [{ licence: 'resident_id_card', field: 'address', form: 'full', sensitive: false, retentionDays: 365 }],
  };
}

/** 2026-11-22 14:03 Asia/Shanghai. */
export const T0 = 1795327380;

/** The RFC 6962 known-answer leaves (REFERENCE.md §3) and their root. */
export const RFC6962_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
export const RFC6962_ROOT = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
