// Strava brand elements: the Connect button, the "Powered by Strava" mark, "View on Strava" links.
import { STRAVA_LOGIN_URL, stravaActivityUrl } from "../api.js";

const LOGO_PATH =
  "M15.387 17.944l-2.089-4.116h-3.065L15.387 24l5.15-10.172h-3.066m-7.008-5.599l2.836 5.598h4.172L10.463 0l-7 13.828h4.169";

export function StravaLogo(props: { size?: number }) {
  return (
    <svg class="strava-logo" viewBox="0 0 24 24" width={props.size ?? 16} height={props.size ?? 16} aria-hidden="true">
      <path d={LOGO_PATH} fill="currentColor" />
    </svg>
  );
}

export function ConnectWithStrava(props: { label?: string }) {
  return (
    <a class="btn-strava" href={STRAVA_LOGIN_URL} data-testid="connect-strava">
      <StravaLogo size={18} />
      <span>{props.label ?? "Connect with Strava"}</span>
    </a>
  );
}

export function PoweredByStrava() {
  return (
    <a class="powered-by-strava" href="https://www.strava.com" target="_blank" rel="noopener noreferrer" aria-label="Powered by Strava">
      <span class="pbs-small">Powered by</span>
      <span class="pbs-word">
        <StravaLogo size={12} />
        STRAVA
      </span>
    </a>
  );
}

export function ViewOnStrava(props: { id: number }) {
  return (
    <a class="view-on-strava" href={stravaActivityUrl(props.id)} target="_blank" rel="noopener noreferrer">
      View on Strava
    </a>
  );
}
