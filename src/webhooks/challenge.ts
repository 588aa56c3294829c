import { safeEqual } from "../auth/signing.js";
import { AppError } from "../http/errors.js";

export interface ChallengeQuery {
  "hub.mode"?: string;
  "hub.verify_token"?: string;
  "hub.challenge"?: string;
}

/**
 * Strava's subscription validation: echo `hub.challenge` when the verify token is ours.
 * Returns the challenge to echo; throws VALIDATION (missing parameters) or FORBIDDEN (wrong token).
 */
export function answerChallenge(verifyToken: string, query: ChallengeQuery): string {
  const mode = query["hub.mode"];
  const token = query["hub.verify_token"];
  const challenge = query["hub.challenge"];
  if (mode !== "subscribe") throw new AppError("VALIDATION", "hub.mode must be \"subscribe\"", "hub.mode");
  if (!challenge) throw new AppError("VALIDATION", "hub.challenge is required", "hub.challenge");
  if (token === undefined) throw new AppError("VALIDATION", "hub.verify_token is required", "hub.verify_token");
  if (!safeEqual(token, verifyToken)) throw new AppError("FORBIDDEN", "hub.verify_token does not match");
  return challenge;
}
