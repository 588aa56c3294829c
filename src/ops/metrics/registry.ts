/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms
 * with labels. Values collected at scrape time come from `collect` callbacks.
 */
export type Labels = Record<string, string | number>;

type Kind = "counter" | "gauge" | "histogram";

interface Family {
  name: string;
  help: string;
  kind: Kind;
  render(): string[];
}

export interface Counter { inc(labels?: Labels, by?: number): void }
export interface Gauge { set(labels: Labels, value: number): void; reset(): void }
export interface Histogram { observe(labels: Labels, value: number): void }

export const DEFAULT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Registry {
  private readonly families: Family[] = [];
  private readonly collectors: Array<() => Promise<void>> = [];

  counter(name: string, help: string): Counter {
    const values = new Map<string, number>();
    this.add({ name, help, kind: "counter", render: () => sampleLines(name, values) });
    return { inc: (labels = {}, by = 1) => values.set(key(labels), (values.get(key(labels)) ?? 0) + by) };
  }

  gauge(name: string, help: string): Gauge {
    const values = new Map<string, number>();
    this.add({ name, help, kind: "gauge", render: () => sampleLines(name, values) });
    return { set: (labels, value) => values.set(key(labels), value), reset: () => values.clear() };
  }

  histogram(name: string, help: string, buckets = DEFAULT_BUCKETS): Histogram {
    const series = new Map<string, { counts: number[]; sum: number; count: number }>();
    this.add({ name, help, kind: "histogram", render: () => histogramLines(name, buckets, series) });
    return {
      observe(labels, value) {
        const k = key(labels);
        const s = series.get(k) ?? { counts: buckets.map(() => 0), sum: 0, count: 0 };
        buckets.forEach((b, i) => { if (value <= b) s.counts[i]! += 1; });
        s.sum += value;
        s.count += 1;
        series.set(k, s);
      },
    };
  }

  /** Runs before every scrape (e.g. to read gauges from the database). */
  onCollect(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c().catch(() => undefined)));
    const lines = this.families.flatMap((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.kind}`, ...f.render()]);
    return `${lines.join("\n")}\n`;
  }

  private add(family: Family): void {
    if (this.families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} registered twice`);
    this.families.push(family);
  }
}

/** Labels serialised in a stable order: the map key and the exposition text at once. */
function key(labels: Labels): string {
  const parts = Object.keys(labels).sort().map((k) => `${k}="${escape(String(labels[k]))}"`);
  return parts.join(",");
}

function escape(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function withLabels(name: string, labels: string): string {
  return labels ? `${name}{${labels}}` : name;
}

function sampleLines(name: string, values: Map<string, number>): string[] {
  return [...values].map(([labels, v]) => `${withLabels(name, labels)} ${v}`);
}

function histogramLines(name: string, buckets: number[], series: Map<string, { counts: number[]; sum: number; count: number }>): string[] {
  return [...series].flatMap(([labels, s]) => {
    const join = (extra: string) => (labels ? `${labels},${extra}` : extra);
    return [
      ...buckets.map((b, i) => `${name}_bucket{${join(`le="${b}"`)}} ${s.counts[i]}`),
      `${name}_bucket{${join('le="+Inf"')}} ${s.count}`,
      `${withLabels(`${name}_sum`, labels)} ${s.sum}`,
      `${withLabels(`${name}_count`, labels)} ${s.count}`,
    ];
  });
}
