// Wallet ops for the ethers oracle (merged into oracle.mjs's op table): keystore v3, BIP-39, BIP-32/44 and the Unicode
// normalisation ethers applies to passwords (NFKC) and BIP-39 phrases (NFKD). Same protocol as oracle.mjs; byte
// values are 0x-hex.
//   normalize       {texts, form}                    -> {utf8: [hex]}     toUtf8Bytes(text, form) per text
//   normalizeRange  {from, to, form}                 -> {changed: [[context, cp, hex]]}
//                   every code point cp in [from, to) whose normal form differs from its input, alone (context 0),
//                   followed by U+0334 (1, class 1), preceded by U+0345 (2, class 240) and preceded by "A" (3, a
//                   starter that composes with many marks); surrogates skipped
//   keystoreEncrypt {key, password, n, r, p, salt, iv} -> {json}           encryptKeystoreJsonSync
//   keystoreDecrypt {json, password}                 -> {privateKey, address} decryptKeystoreJsonSync
//   keystorePbkdf2  {key, password, c, salt, iv}     -> {json, privateKey} a PBKDF2-SHA256 keystore (ethers writes
//                   only scrypt), built from ethers' pbkdf2/keccak256 and aes-js, then opened by ethers
//   mnemonic        {entropy} | {phrase}             -> {phrase} | {entropy}
//   hd              {entropy, passphrase, path}      -> the node at path of Mnemonic.fromEntropy(entropy, passphrase)
//   hdPublic        {xpub, path}                     -> {xpub, address} of a relative normal path from an xpub
import { CTR } from "aes-js";
import {
  HDNodeWallet, Mnemonic, computeAddress, concat, decryptKeystoreJsonSync, encryptKeystoreJsonSync, getBytes, hexlify,
  keccak256, pbkdf2, toUtf8Bytes,
} from "ethers";

const bare = (hex) => hexlify(hex).substring(2);

function normalizeRange(c) {
  const changed = [];
  const contexts = [(s) => s, (s) => s + "\u0334", (s) => "\u0345" + s, (s) => "A" + s];
  for (let cp = c.from; cp < c.to; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    contexts.forEach((context, i) => {
      const raw = context(s);
      const normalized = raw.normalize(c.form);
      if (normalized !== raw) changed.push([i, cp, hexlify(toUtf8Bytes(normalized))]);
    });
  }
  return { changed };
}

function node(n) {
  return {
    privateKey: n.privateKey,
    address: n.address,
    xprv: n.extendedKey,
    xpub: n.neuter().extendedKey,
    fingerprint: n.fingerprint,
    parentFingerprint: n.parentFingerprint,
    depth: n.depth,
    index: n.index,
    chainCode: n.chainCode,
  };
}

export const walletOps = {
  normalize: (c) => ({ utf8: c.texts.map((t) => hexlify(toUtf8Bytes(t, c.form))) }),

  normalizeRange,

  keystoreEncrypt: (c) => ({
    json: encryptKeystoreJsonSync(
      { address: computeAddress(c.key), privateKey: c.key },
      c.password,
      { scrypt: { N: c.n, r: c.r, p: c.p }, salt: c.salt, iv: c.iv },
    ),
  }),

  keystoreDecrypt: (c) => {
    const account = decryptKeystoreJsonSync(c.json, c.password);
    return { privateKey: account.privateKey, address: account.address };
  },

  keystorePbkdf2: (c) => {
    const derived = getBytes(pbkdf2(toUtf8Bytes(c.password, "NFKC"), c.salt, c.c, 32, "sha256"));
    const ciphertext = new CTR(derived.slice(0, 16), getBytes(c.iv)).encrypt(getBytes(c.key));
    const json = JSON.stringify({
      address: computeAddress(c.key).substring(2).toLowerCase(),
      crypto: {
        cipher: "aes-128-ctr",
        cipherparams: { iv: bare(c.iv) },
        ciphertext: bare(ciphertext),
        kdf: "pbkdf2",
        kdfparams: { c: c.c, dklen: 32, prf: "hmac-sha256", salt: bare(c.salt) },
        mac: bare(keccak256(concat([derived.slice(16, 32), ciphertext]))),
      },
      id: "3198bc9c-6672-4ab3-9995-4942343ae5b6",
      version: 3,
    });
    return { json, privateKey: decryptKeystoreJsonSync(json, c.password).privateKey };
  },

  mnemonic: (c) => (c.phrase !== undefined
    ? { entropy: Mnemonic.phraseToEntropy(c.phrase) }
    : { phrase: Mnemonic.entropyToPhrase(c.entropy) }),

  hd: (c) => {
    const mnemonic = Mnemonic.fromEntropy(c.entropy, c.passphrase);
    return { phrase: mnemonic.phrase, seed: mnemonic.computeSeed(), ...node(HDNodeWallet.fromMnemonic(mnemonic, c.path)) };
  },

  hdPublic: (c) => {
    const child = HDNodeWallet.fromExtendedKey(c.xpub).derivePath(c.path);
    return { xpub: child.extendedKey, address: child.address };
  },
};
