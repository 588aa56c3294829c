// An athlete's Strava photo, or their initial. Strava answers "avatar/athlete/large.png" (a relative
// placeholder) for athletes without a photo, so only absolute URLs count as a photo.
import { createSignal, Show } from "solid-js";

const isPhotoUrl = (url: string | null | undefined): url is string => !!url && /^https?:\/\//.test(url);

export function Avatar(props: { url: string | null | undefined; name: string | undefined; size: number; large?: boolean }) {
  const [broken, setBroken] = createSignal(false);
  const cls = () => (props.large ? "avatar avatar-lg" : "avatar");
  return (
    <Show
      when={isPhotoUrl(props.url) && !broken()}
      fallback={
        <span class={`${cls()} avatar-fallback`} aria-hidden="true">
          {props.name?.[0] ?? "?"}
        </span>
      }
    >
      <img class={cls()} src={props.url ?? ""} alt="" width={props.size} height={props.size} onError={() => setBroken(true)} />
    </Show>
  );
}
