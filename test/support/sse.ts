export interface SseMessage { event: string; data: any; id: number }

/** Reads a Server-Sent Events response into messages; `next()` resolves with the next one. */
export function readSse(res: Response) {
  const body = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let ended = false;
  const pending: SseMessage[] = [];
  async function pump(): Promise<void> {
    const { value, done } = await body.read();
    if (done) { ended = true; return; }
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = Object.fromEntries(block.split("\n").filter((l) => !l.startsWith(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
      if (fields.event) pending.push({ event: fields.event, data: JSON.parse(fields.data ?? "null"), id: Number(fields.id) });
    }
  }
  return {
    async next(): Promise<SseMessage> {
      while (pending.length === 0) {
        if (ended) throw new Error("stream ended");
        await pump();
      }
      return pending.shift()!;
    },
    async ended(): Promise<boolean> {
      while (!ended) await pump();
      return true;
    },
    cancel: () => body.cancel(),
  };
}
