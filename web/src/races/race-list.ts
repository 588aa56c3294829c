// A paged, live race list: first page on filter change, "Load more" by cursor, SSE upserts/removals.
import { createEffect, createSignal, on, onCleanup } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { api, ApiError } from "../api.js";
import { onLive, subscribe } from "../stream.js";
import type { Race } from "../types.js";
import { appendPage, matchesFilters, removeRace, toQuery, upsertRace, type RaceFilters } from "./filters.js";

const PAGE_SIZE = 50;
/** One change the stream brings to a list of races. */
type RaceChange = (list: Race[]) => Race[];
const HIGHLIGHT_MS = 2500;

export interface RaceList {
  races: () => Race[];
  loading: () => boolean;
  loadingMore: () => boolean;
  error: () => ApiError | null;
  hasMore: () => boolean;
  isFresh: (id: number) => boolean;
  loadMore: () => Promise<void>;
  reload: () => void;
  /** Replace one race in place (used by optimistic edits). */
  patch: (id: number, fn: (r: Race) => Race) => void;
}

export function createRaceList(filters: () => RaceFilters, pageSize = PAGE_SIZE): RaceList {
  // A store reconciled by activity id: an updated race keeps its row (and any open editor state).
  const [store, setStore] = createStore<{ races: Race[] }>({ races: [] });
  const races = () => store.races;
  const setRaces = (next: Race[] | ((prev: Race[]) => Race[])) => {
    const list = typeof next === "function" ? next(store.races) : next;
    setStore("races", reconcile(list, { key: "strava_activity_id", merge: true }));
  };
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(true);
  const [loadingMore, setLoadingMore] = createSignal(false);
  const [error, setError] = createSignal<ApiError | null>(null);
  const [fresh, setFresh] = createSignal<ReadonlySet<number>>(new Set());
  let generation = 0;
  // Stream changes that arrive while a first page loads (null when none loads): that page may have
  // been read before they committed, so they are replayed over it (else a race streamed meanwhile
  // vanishes with the page).
  let arrivedMeanwhile: RaceChange[] | null = null;

  const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, "UNKNOWN", String(e)));

  async function fetchPage(f: RaceFilters, after: string | null) {
    const page = await api.races({ ...toQuery(f), limit: pageSize, cursor: after ?? undefined });
    // "other" is narrowed client-side (see toQuery).
    return { races: page.races.filter((r) => matchesFilters(r, f)), next: page.next_cursor };
  }

  /** The first page again; `quiet` keeps the rows on screen while it loads (when the stream starts listening). */
  async function loadFirst(quiet = false) {
    const gen = ++generation;
    const f = filters();
    if (!quiet) setLoading(true);
    setError(null);
    const changes: RaceChange[] = [];
    arrivedMeanwhile = changes;
    try {
      const page = await fetchPage(f, null);
      if (gen !== generation) return;
      setCursor(page.next);
      setRaces(changes.reduce((list, change) => change(list), page.races));
      goLive();
    } catch (e) {
      if (gen !== generation) return;
      setRaces([]);
      setCursor(null);
      setError(asApiError(e));
    } finally {
      if (gen === generation) {
        setLoading(false);
        arrivedMeanwhile = null;
      }
    }
  }

  function applyLive(change: RaceChange) {
    arrivedMeanwhile?.push(change);
    if (!loading() && !error()) setRaces(change);
  }

  async function loadMore() {
    const after = cursor();
    if (!after || loadingMore()) return;
    const gen = generation;
    setLoadingMore(true);
    try {
      const page = await fetchPage(filters(), after);
      if (gen !== generation) return;
      setRaces((list) => appendPage(list, page.races));
      setCursor(page.next);
      setError(null);
    } catch (e) {
      if (gen === generation) setError(asApiError(e));
    } finally {
      setLoadingMore(false);
    }
  }

  function flash(id: number) {
    setFresh((s) => new Set(s).add(id));
    setTimeout(() => {
      setFresh((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      });
    }, HIGHLIGHT_MS);
  }

  createEffect(on(filters, () => void loadFirst()));

  // The stream opens once a first page loaded: a signed-out visitor of a members-only board
  // (known only from the 401 on /api/races) then makes no doomed /api/stream request. Once it
  // listens, the first page is fetched again quietly: a race committed in between was not streamed.
  const unsubscribers: Array<() => void> = [];
  onCleanup(() => unsubscribers.forEach((unsubscribe) => unsubscribe()));
  function goLive() {
    if (unsubscribers.length > 0) return;
    unsubscribers.push(
      subscribe("race.upserted", (race) => {
        applyLive((list) => upsertRace(list, race, filters(), cursor() === null));
        if (races().some((r) => r.strava_activity_id === race.strava_activity_id)) flash(race.strava_activity_id);
      }),
      subscribe("race.removed", (ev) => applyLive((list) => removeRace(list, Number(ev.strava_activity_id)))),
      onLive(() => void loadFirst(true)),
    );
  }

  return {
    races,
    loading,
    loadingMore,
    error,
    hasMore: () => cursor() !== null,
    isFresh: (id) => fresh().has(id),
    loadMore,
    reload: () => void loadFirst(),
    patch: (id, fn) => setRaces((list) => list.map((r) => (r.strava_activity_id === id ? fn(r) : r))),
  };
}
