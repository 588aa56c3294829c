import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { Config } from "../config.js";

/**
 * Strava tokens at rest: AES-256-GCM, random 12-byte IV, stored as
 * "v2.<key id>.<iv>.<tag>.<ciphertext>" (base64url). The associated data binds a ciphertext to its
 * athlete and field, so a token copied into another row, or from `access` to `refresh`, does not
 * decrypt. The key id names the key that encrypted it, so a key rotation knows what is left to do.
 * "v1.<iv>.<tag>.<ciphertext>" (no key id, no associated data) is the earlier format: still read.
 */
export interface TokenKeys {
  /** Encrypts every new ciphertext. */
  current: Buffer;
  /** Still decrypts during a key rotation (TOKEN_ENCRYPTION_KEY_PREVIOUS). */
  previous?: Buffer;
}

/** The keys the configuration names. */
export function tokenKeys(config: Pick<Config, "tokenEncryptionKey" | "tokenEncryptionKeyPrevious">): TokenKeys {
  return { current: config.tokenEncryptionKey, previous: config.tokenEncryptionKeyPrevious };
}

export type TokenField = "access" | "refresh";

/** Where a ciphertext belongs: its associated data. */
export interface TokenSlot {
  athleteId: number;
  field: TokenField;
}

const ALGORITHM = "aes-256-gcm";

/** A short public name of a key (derived one way from it, so it reveals nothing about the key). */
export function keyIdOf(key: Buffer): string {
  return createHmac("sha256", key).update("racesync token key id").digest().subarray(0, 8).toString("base64url");
}

export function encryptToken(keys: TokenKeys, plaintext: string, slot: TokenSlot): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, keys.current, iv);
  cipher.setAAD(associatedData(slot));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v2", keyIdOf(keys.current), ...[iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString("base64url"))].join(".");
}

/** Decrypts with whichever key encrypted it; throws when no key fits, or the value was moved or tampered with. */
export function decryptToken(keys: TokenKeys, stored: string, slot: TokenSlot): string {
  const parts = stored.split(".");
  if (parts[0] === "v2" && parts.length === 5) {
    const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const key = keysOf(keys).find((k) => keyIdOf(k) === keyId);
    if (!key) throw new TokenDecryptError(`token encrypted under an unknown key (id ${keyId}): set TOKEN_ENCRYPTION_KEY_PREVIOUS to the key that encrypted it`);
    return open(key, { iv, tag, ciphertext }, associatedData(slot));
  }
  if (parts[0] === "v1" && parts.length === 4) {
    const [, iv, tag, ciphertext] = parts as [string, string, string, string];
    return openWithAny(keysOf(keys), { iv, tag, ciphertext });
  }
  throw new TokenDecryptError("unrecognised token ciphertext");
}

/** A stored token that none of the configured keys opens for its athlete and field. */
export class TokenDecryptError extends Error {
  override name = "TokenDecryptError";
}

/** Whether the ciphertext is already in the current format under the current key. */
export function isCurrent(keys: TokenKeys, stored: string): boolean {
  const parts = stored.split(".");
  return parts[0] === "v2" && parts[1] === keyIdOf(keys.current);
}

interface Sealed {
  iv: string;
  tag: string;
  ciphertext: string;
}

function associatedData(slot: TokenSlot): Buffer {
  return Buffer.from(`racesync:athlete:${slot.athleteId}:${slot.field}`, "utf8");
}

function keysOf(keys: TokenKeys): Buffer[] {
  return keys.previous ? [keys.current, keys.previous] : [keys.current];
}

function open(key: Buffer, sealed: Sealed, aad?: Buffer): string {
  const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, "base64url"));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(sealed.tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new TokenDecryptError("token ciphertext does not authenticate: wrong key, tampered with, or moved from another athlete or field");
  }
}

/** A v1 ciphertext does not say its key: the current one is tried first, then the previous. */
function openWithAny(keys: Buffer[], sealed: Sealed): string {
  let failure: unknown;
  for (const key of keys) {
    try {
      return open(key, sealed);
    } catch (err) {
      failure = err;
    }
  }
  throw failure;
}
