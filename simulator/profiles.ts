/**
 * Load over time, per service. The built-in profiles are the seed's load tests ("Testing and
 * Validation"), written in each service's own levels so one profile fits every service:
 *   base = minReplicas x capacityPerPod   the load minReplicas serve at the HPA's target
 *   top  = maxReplicas x capacityPerPod   the load maxReplicas serve
 * A CSV of real traffic gives absolute load in each service's units (simulator/model.ts).
 */
import type { ServiceModel } from "./model";

export interface LoadProfile {
    readonly name: string;
    readonly description: string;
    readonly durationSeconds: number;
    /** When the load steps up: the report measures the time to enough ready replicas from each. */
    readonly steps: readonly number[];
    /** When every service's Deployment starts a rolling update (a new pod template), seconds after the start. */
    readonly rollouts?: readonly number[];
    /** Load on `model` (the run's service number `index`) `t` seconds after the start. */
    load(model: ServiceModel, index: number, t: number): number;
}

export const PROFILE_NAMES = ["ramp", "peak", "spike", "oscillating", "day", "rollout"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const MINUTE = 60;
const HOUR = 3600;

const base = (model: ServiceModel) => model.config.minReplicas * model.capacityPerPod;
const top = (model: ServiceModel) => model.config.maxReplicas * model.capacityPerPod;
/** A busy hour: three times the base load, or top if lower. */
const busy = (model: ServiceModel) => Math.min(3 * base(model), top(model));

/** The built-in profile `name`; `seed` drives the day's noise. */
export function profile(name: ProfileName, seed = 1): LoadProfile {
    switch (name) {
        case "ramp":
            return {
                name, durationSeconds: 90 * MINUTE, steps: [],
                description: "gradual ramp: 10 min at base, a linear rise to 3 x base (at most top) over 60 min, 20 min there",
                load: (model, _index, t) => base(model) + (busy(model) - base(model)) * clamp01((t - 10 * MINUTE) / (60 * MINUTE)),
            };
        case "peak":
            return {
                name, durationSeconds: 65 * MINUTE, steps: [5 * MINUTE],
                description: "sustained peak: 5 min at base, then 60 min at top (every service at its maxReplicas)",
                load: (model, _index, t) => (t < 5 * MINUTE ? base(model) : top(model)),
            };
        case "spike":
            return {
                name, durationSeconds: 50 * MINUTE, steps: [10 * MINUTE],
                description: "rapid spike: 10 min at base, a step to 2 x base for 20 min, 20 min back at base",
                load: (model, _index, t) => (t >= 10 * MINUTE && t < 30 * MINUTE ? 2 * base(model) : base(model)),
            };
        case "oscillating":
            return {
                name, durationSeconds: 2 * HOUR, steps: Array.from({ length: 12 }, (_, i) => (2 * i + 1) * 5 * MINUTE),
                description: "oscillating: 2 h alternating every 5 min between base and 2 x base",
                load: (model, _index, t) => (Math.floor(t / (5 * MINUTE)) % 2 === 1 ? 2 * base(model) : base(model)),
            };
        case "day":
            return dayProfile(8, seed);
        case "rollout":
            return {
                name, durationSeconds: 45 * MINUTE, steps: [5 * MINUTE], rollouts: [15 * MINUTE],
                description: "rolling update at maxReplicas: 5 min at base, then top (every service at its maxReplicas), every " +
                    "Deployment rolls out a new pod template at 15 min (maxSurge pods through the quota, terminating pods keep theirs), 30 min more",
                load: (model, _index, t) => (t < 5 * MINUTE ? base(model) : top(model)),
            };
    }
}

/** The working day's shape, in multiples of base: (hour, level), linear in between. */
const DAY_SHAPE: readonly (readonly [number, number])[] = [
    [0, 1], [1, 2], [2.5, 3], [4, 2.2], [4.5, 2.2], [6, 3], [7, 2], [8, 1],
];
/** The day's minute-to-minute noise: load times (1 + u x NOISE), u uniform in [-1, 1], linear between minutes. */
const DAY_NOISE = 0.05;

/**
 * An 8-hour working day (start of day at base, a morning peak at 3 x base, a lunch dip to 2.2 x
 * base, an afternoon peak, back to base; levels capped at top) with seeded noise. `hours` longer
 * than 8 repeats it, for the 24 h benchmark.
 */
export function dayProfile(hours = 8, seed = 1): LoadProfile {
    const minutes = Math.ceil(hours * 60) + 1;
    const noise = new Map<number, Float64Array>();
    const noiseOf = (index: number) => {
        let values = noise.get(index);
        if (values === undefined) {
            const random = mulberry32(seed * 1000003 + index);
            values = Float64Array.from({ length: minutes + 1 }, () => 2 * random() - 1);
            noise.set(index, values);
        }
        return values;
    };
    return {
        name: "day", durationSeconds: hours * HOUR, steps: [],
        description: `${hours === 8 ? "an 8-hour day" : `${hours} h of 8-hour days`}: base, a morning peak at 3 x base, ` +
            `a lunch dip to 2.2 x base, an afternoon peak at 3 x base, back to base (at most top), ±${DAY_NOISE * 100}% noise per minute`,
        load: (model, index, t) => {
            const hour = (t / HOUR) % 8;
            const level = interpolate(DAY_SHAPE, hour) * base(model);
            const values = noiseOf(index);
            const minute = t / MINUTE;
            const i = Math.min(Math.floor(minute), minutes - 1);
            const u = values[i] + (values[i + 1] - values[i]) * (minute - i);
            return Math.min(level, top(model)) * (1 + DAY_NOISE * u);
        },
    };
}

/**
 * A profile from a CSV of real traffic: `seconds,load` rows (the load of `service`), or a header
 * `seconds,<service>,<service>...` with one column per service. Load is linear between rows;
 * services without a column stay at their base load.
 */
export function csvProfile(text: string, services: readonly string[], service?: string, name = "csv"): LoadProfile {
    const rows = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
    if (rows.length === 0) throw new Error("the load CSV has no rows");
    const first = rows[0].split(",").map((cell) => cell.trim());
    const hasHeader = Number.isNaN(Number(first[0]));
    let columns: string[];
    if (hasHeader && first.length > 2 || hasHeader && first[1] !== "load") {
        columns = first.slice(1);
        const unknown = columns.filter((column) => !services.includes(column));
        if (unknown.length > 0) throw new Error(`the load CSV names unknown services: ${unknown.join(", ")}; services: ${services.join(", ")}`);
    } else {
        if (service === undefined) throw new Error("a `seconds,load` CSV is the load of one service: name it with --service, or give a header `seconds,<service>,...`");
        columns = [service];
    }
    const data = rows.slice(hasHeader ? 1 : 0).map((row, line) => {
        const cells = row.split(",").map((cell) => Number(cell.trim()));
        if (cells.length !== columns.length + 1 || cells.some((cell) => !Number.isFinite(cell) || cell < 0)) {
            throw new Error(`the load CSV's row ${line + (hasHeader ? 2 : 1)} (${row}) must hold ${columns.length + 1} non-negative numbers`);
        }
        return cells;
    });
    data.sort((a, b) => a[0] - b[0]);
    const series = new Map(columns.map((column, i) => [column, data.map((cells) => [cells[0], cells[i + 1]] as const)]));
    return {
        name, durationSeconds: data[data.length - 1][0], steps: [],
        description: `real traffic from a CSV (${data.length} rows, ${columns.join(", ")})`,
        load: (model, _index, t) => {
            const points = series.get(model.name);
            return points === undefined ? base(model) : interpolate(points, t);
        },
    };
}

function clamp01(value: number): number {
    return Math.max(0, Math.min(1, value));
}

/** Linear interpolation over sorted (x, y) points, flat outside them. */
function interpolate(points: readonly (readonly [number, number])[], x: number): number {
    if (x <= points[0][0]) return points[0][1];
    for (let i = 1; i < points.length; i++) {
        const [x1, y1] = points[i];
        if (x <= x1) {
            const [x0, y0] = points[i - 1];
            return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
        }
    }
    return points[points.length - 1][1];
}

/** mulberry32: a small seeded PRNG, so a run's noise depends on the seed only. */
export function mulberry32(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
