import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorCode } from "../http/errors.js";

/** Outcomes of the OAuth callback a person has to read: an HTML page for browsers, JSON otherwise. */
export interface Outcome {
  status: ContentfulStatusCode;
  code: ErrorCode | "ACCESS_DENIED" | "MISSING_SCOPE" | "STRAVA_ERROR";
  title: string;
  message: string;
}

export const outcomes = {
  badState: (why: string): Outcome => ({
    status: 400, code: "VALIDATION", title: "This sign-in link is no longer valid",
    message: `The sign-in request could not be verified (${why}). It may have expired or been opened in another browser. Please start again.`,
  }),
  denied: (): Outcome => ({
    status: 400, code: "ACCESS_DENIED", title: "You did not connect Strava",
    message: "You chose not to authorize racesync on Strava, so nothing was stored. You can connect any time.",
  }),
  missingScope: (): Outcome => ({
    status: 400, code: "MISSING_SCOPE", title: "racesync needs to see your activities",
    message: 'Strava did not grant access to your activities. Please connect again and keep the box "View data about your activities" ticked (private activities are optional). Nothing was stored.',
  }),
  blocked: (): Outcome => ({
    status: 403, code: "FORBIDDEN", title: "Your account is blocked",
    message: "An administrator has blocked this Strava account from racesync. Nothing was changed.",
  }),
  stravaFailed: (): Outcome => ({
    status: 502, code: "STRAVA_ERROR", title: "Strava did not complete the sign-in",
    message: "Strava refused or failed to confirm the authorization. Nothing was stored. Please try again in a moment.",
  }),
};

export function respondOutcome(c: Context, outcome: Outcome): Response {
  if (!(c.req.header("accept") ?? "").includes("text/html")) {
    return c.json({ error: { code: outcome.code, message: outcome.message } }, outcome.status);
  }
  return c.html(page(outcome.title, outcome.message), outcome.status);
}

function page(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · racesync</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}a.button{display:inline-block;margin-top:1rem;padding:.6rem 1rem;background:#fc4c02;color:#fff;border-radius:.3rem;text-decoration:none}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p><a class="button" href="/auth/strava/login">Connect with Strava</a> <a href="/">Back to racesync</a></p></body></html>`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
