// Short messages for every error code, in simplified Chinese and English:
// plain, for citizens and developers, saying what to do next. Keyed by
// MpShieldError.code; read through errorMessages or describeError
// (errors.js). The error's own .message keeps the detail (which argument,
// which rule). tests/js/messages.test.mjs checks this table against
// ALL_CODES in src/error.rs, and README.zh-CN.md against this table.
//
// Plain data, no imports: it ships in every bundle, so keep it short.

const m = {
  NOT_INITIALIZED: {
    zh: 'mpshield 尚未初始化：请先调用并等待 init() 完成。',
    en: 'mpshield is not initialised: call and await init() before using it',
  },
  NO_ENTROPY: {
    zh: '缺少安全随机数：请升级微信基础库，或用 init({ entropy }) 传入至少 32 字节安全随机数。',
    en: 'no secure randomness: update the WeChat base library, or pass 32+ secure random bytes as init({ entropy })',
  },
  INVALID_INPUT: {
    zh: '参数缺失、类型错误或超出范围，请对照接口文档检查。',
    en: 'an argument is missing, of the wrong type or out of range: check the call against the docs',
  },
  INVALID_ID_NUMBER: {
    zh: '身份证号码有误，请核对后重新输入。',
    en: 'invalid ID card number: check it and enter it again',
  },
  DECRYPT_FAILED: {
    zh: '解密失败（密钥不符或数据被改动），请让对方重新发送。',
    en: 'could not decrypt (wrong key or altered data): ask for it to be sent again',
  },
  INVALID_ENVELOPE: {
    zh: '加密数据格式有误或版本不支持，请确认数据完整并升级 mpshield。',
    en: 'malformed sealed data or unknown version: check it arrived whole, update mpshield',
  },
  INVALID_KEY: {
    zh: '密钥格式有误或不可用，请检查密钥来源。',
    en: 'a key is malformed or unusable: check where it came from',
  },
  UNSUPPORTED_ALGORITHM: {
    zh: '不支持该算法或模式，请改用文档列出的算法。',
    en: 'unsupported algorithm or mode: use one the docs list',
  },
  TRUNCATED: {
    zh: '数据不完整，传输可能中断，请重新发送。',
    en: 'the data is incomplete (transfer cut off?): send it again',
  },
  VERIFY_FAILED: {
    zh: '签名验证未通过，数据可能被篡改，请勿采信并重新获取。',
    en: 'the signature does not verify (data altered?): do not trust it, get it again',
  },
  UNTRUSTED_ISSUER: {
    zh: '签发机构不在信任列表中，如应信任请加入其公钥。',
    en: 'the issuer is not trusted: add its public key to the trusted issuers if it should be',
  },
  INVALID_CREDENTIAL: {
    zh: '电子证照格式有误，请重新领取证照。',
    en: 'the licence is malformed: get it from the issuer again',
  },
  EXPIRED: {
    zh: '证照已过期，请更新证照后再试。',
    en: 'the licence has expired: renew it and try again',
  },
  NOT_YET_VALID: {
    zh: '证照尚未生效，请检查手机时间或稍后再试。',
    en: "the licence is not valid yet: check the phone's clock or try later",
  },
  INVALID_KEY_BINDING: {
    zh: '持有人证明缺失、过时或不属于本次请求，请重新出示。',
    en: 'the holder proof is missing, stale or for another request: present again',
  },
  INVALID_JWK: {
    zh: 'JWK 格式有误或不受支持（仅限 Ed25519、P-256，公钥不能含 d）。',
    en: 'malformed or unsupported JWK: Ed25519 or P-256 only, no "d" in a public key',
  },
  NOT_DISCLOSABLE: {
    zh: '该字段不存在或不能选择性披露，请检查字段路径。',
    en: 'this claim does not exist or is not selectively disclosable: check the JSON Pointer',
  },
  UNKNOWN_LICENCE_TYPE: {
    zh: '不支持该证照类型，请使用 licence.schemas() 列出的类型。',
    en: 'unknown licence type: use one from licence.schemas()',
  },
  INVALID_CLAIM: {
    zh: '证照字段缺失或格式不符，请核对后重试。',
    en: 'a licence field is missing or invalid: check it and try again',
  },
  UNKNOWN_MASK_RULE: {
    zh: '不存在该脱敏规则，请使用 mask.rules() 列出的规则。',
    en: 'unknown masking rule: use one from mask.rules()',
  },
  INVALID_PROOF: {
    zh: '授权记录证明验证未通过，记录可能被篡改，请勿采信。',
    en: 'the consent log proof does not verify (log altered?): do not rely on it',
  },
  INVALID_CHECKPOINT: {
    zh: '授权记录检查点的格式、来源或签名有误，请勿采信。',
    en: 'the checkpoint is malformed, for another log or wrongly signed: do not rely on it',
  },
  INVALID_RECORD: {
    zh: '授权记录内容有误或不符合授权规则，请修正后重试。',
    en: 'the consent record is malformed or breaks a consent rule: fix it and retry',
  },
  RECORD_NOT_FOUND: {
    zh: '未找到该授权记录，请刷新列表后重试。',
    en: 'no such consent record: refresh the list and try again',
  },
  INVALID_STATE: {
    zh: '当前状态下无法操作（如授权已撤回），请刷新后查看。',
    en: 'not possible now (e.g. already withdrawn): refresh and check',
  },
  INVALID_RECEIPT: {
    zh: '授权回执无效或验证未通过，请勿采信，并请对方重新提交。',
    en: 'the consent receipt is malformed or does not verify: do not rely on it, ask again',
  },
  STORAGE_CORRUPT: {
    zh: '本机授权记录已损坏或被改动，请联系服务方。',
    en: 'the consent log on this phone is damaged or altered: contact the service provider',
  },
  ROLLBACK_DETECTED: {
    zh: '本机授权记录被回退到旧版本，请联系服务方。',
    en: 'the consent log on this phone was rolled back: contact the service provider',
  },
  CONSENT_NOT_PERSISTED: {
    zh: '授权记录保存失败，信息未提供。请清理已失效的授权记录或导出记录后重试。',
    en: 'the consent could not be saved, so nothing was shared: free storage (prune old records, export the log), retry',
  },
  WASM_LOAD_FAILED: {
    zh: '未能加载 mpshield 的 WebAssembly 模块（文件缺失、损坏或路径有误），请开发者按文档检查。',
    en: 'the WebAssembly module did not load (missing, damaged or wrong path): see the README, set init({ wasmPath })',
  },
  INTERNAL: {
    zh: 'mpshield 内部错误，请向开发者报告此问题。',
    en: 'internal error: this is a bug in mpshield, please report it',
  },
  // The Wallet / Verifier flow.
  UNTRUSTED_VERIFIER: {
    zh: '请求方不在信任名单中，请勿提供信息，或向服务方核实。',
    en: 'the requester is not on the trusted list: do not share, or check with the service provider',
  },
  INVALID_REQUEST: {
    zh: '信息请求无效（格式、签名或用途不符，或已过期），请让请求方重新发起。',
    en: 'the request is malformed, wrongly signed, expired or not for this use: ask for a new one',
  },
  NOT_REQUESTED: {
    zh: '所选信息与请求不符（未被请求或缺少必选项），请按请求重新选择。',
    en: 'the choices do not match the request (not asked for, or a required field left out): choose again',
  },
  SEPARATE_CONSENT_REQUIRED: {
    zh: '所选信息含敏感个人信息，须经您单独同意才能提供。',
    en: 'a sensitive field was chosen: it needs separate consent first',
  },
  CREDENTIAL_NOT_FOUND: {
    zh: '未找到所需的证照（或证照中没有所选信息），请先添加证照。',
    en: 'no licence of the needed type (with the chosen claim) in the wallet: add one first',
  },
  REPLAYED: {
    zh: '该请求已被响应过，请重新发起请求。',
    en: 'a response to this request was already accepted: start a new request',
  },
  INVALID_RESPONSE: {
    zh: '响应数据有误或与请求不符，请勿使用，并重新发起请求。',
    en: 'the response is malformed or does not match the request: do not use it, request again',
  },
};

for (const code of Object.keys(m)) Object.freeze(m[code]);

/** `{ CODE: { zh, en } }` for every error code; frozen. */
export const errorMessages = Object.freeze(m);
