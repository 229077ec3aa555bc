/**
 * Load over time, per service. The built-in profiles are the seed's load tests ("Testing and
 * Validation"), written in each service's own levels so one profile fits every service:
 *   base = minReplicas x capacityPerPod   the load minReplicas serve at the HPA's target
 *   top  = maxReplicas x capacityPerPod   the load maxReplicas serve
 * A CSV of real traffic gives absolute load in each service's units (simulator/service-model.ts).
 */
import type { ServiceModel } from "./service-model";

export interface LoadProfile {
    readonly name: string;
    readonly description: string;
    readonly durationSeconds: number;
    /** When the load steps up: the report measures the time to enough ready replicas from each. */
    readonly steps: readonly number[];
    /** When every service's Deployment starts a rolling update (a new pod template), seconds after the start. */
    readonly rollouts?: readonly number[];
    /** What the tuner does with it (simulator/tuner/evaluator.ts). */
    readonly tunerRole: TunerRole;
    /** Preview's checks settle its criteria (the quota holds every service at max): the tuner plays it last. */
    readonly settledByChecks: boolean;
    /** Load on `model` (the run's service number `index`) `t` seconds after the start. */
    load(model: ServiceModel, index: number, t: number): number;
}

/**
 * `test`: the tuner must meet its criteria, and it costs nothing (the seed's load tests); `cost`:
 * the tuner must meet its criteria and prices the candidate over it (the day, real traffic);
 * `none`: the tuner does not play it (`simulate --check` does).
 */
export type TunerRole = "test" | "cost" | "none";

export const PROFILE_NAMES = ["ramp", "peak", "spike", "oscillating", "day", "rollout"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const MINUTE = 60;
const HOUR = 3600;

const base = (model: ServiceModel) => model.config.minReplicas * model.capacityPerPod;
const top = (model: ServiceModel) => model.config.maxReplicas * model.capacityPerPod;
/** A busy hour: three times the base load, or top if lower. */
const busy = (model: ServiceModel) => Math.min(3 * base(model), top(model));

/** The built-in profiles the tuner must meet, in the order it plays them: tests, the day, those the checks settle. */
export function tunerProfiles(seed: number): LoadProfile[] {
    return PROFILE_NAMES.map((name) => profile(name, seed))
        .filter((each) => each.tunerRole !== "none")
        .sort((a, b) => tunerOrder(a) - tunerOrder(b));
}

/** Cheap test patterns first, then the cost profiles, those the checks settle last. */
export function tunerOrder(profile: LoadProfile): number {
    return profile.settledByChecks ? 2 : profile.tunerRole === "test" ? 0 : 1;
}

/** The built-in profile `name`; `seed` drives the day's noise. */
export function profile(name: ProfileName, seed = 1): LoadProfile {
    switch (name) {
        case "ramp":
            return {
                name,
                tunerRole: "test",
                settledByChecks: true,
                durationSeconds: 90 * MINUTE,
                steps: [],
                description:
                    "gradual ramp: 10 min at base, a linear rise to 3 x base (at most top) over 60 min, 20 min there",
                load: (model, _index, t) =>
                    base(model) + (busy(model) - base(model)) * clamp01((t - 10 * MINUTE) / (60 * MINUTE)),
            };
        case "peak":
            return {
                name,
                tunerRole: "none",
                settledByChecks: true,
                durationSeconds: 65 * MINUTE,
                steps: [5 * MINUTE],
                description: "sustained peak: 5 min at base, then 60 min at top (every service at its maxReplicas)",
                load: (model, _index, t) => (t < 5 * MINUTE ? base(model) : top(model)),
            };
        case "spike":
            return {
                name,
                tunerRole: "test",
                settledByChecks: false,
                durationSeconds: 50 * MINUTE,
                steps: [10 * MINUTE],
                description: "rapid spike: 10 min at base, a step to 2 x base for 20 min, 20 min back at base",
                load: (model, _index, t) => (t >= 10 * MINUTE && t < 30 * MINUTE ? 2 * base(model) : base(model)),
            };
        case "oscillating":
            return {
                name,
                tunerRole: "test",
                settledByChecks: false,
                durationSeconds: 2 * HOUR,
                steps: Array.from({ length: 12 }, (_, i) => (2 * i + 1) * 5 * MINUTE),
                description: "oscillating: 2 h alternating every 5 min between base and 2 x base",
                load: (model, _index, t) => (Math.floor(t / (5 * MINUTE)) % 2 === 1 ? 2 * base(model) : base(model)),
            };
        case "day":
            return dayProfile(8, seed);
        case "rollout":
            return {
                name,
                tunerRole: "none",
                settledByChecks: false,
                durationSeconds: 45 * MINUTE,
                steps: [5 * MINUTE],
                rollouts: [15 * MINUTE],
                description:
                    "rolling update at maxReplicas: 5 min at base, then top (every service at its maxReplicas), every " +
                    "Deployment rolls out a new pod template at 15 min (maxSurge pods through the quota, terminating pods keep theirs), 30 min more",
                load: (model, _index, t) => (t < 5 * MINUTE ? base(model) : top(model)),
            };
    }
}

/** The working day's shape, in multiples of base: (hour, level), linear in between. */
const DAY_SHAPE: readonly (readonly [number, number])[] = [
    [0, 1],
    [1, 2],
    [2.5, 3],
    [4, 2.2],
    [4.5, 2.2],
    [6, 3],
    [7, 2],
    [8, 1],
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
    /** By service index. */
    const noise: Float64Array[] = [];
    const noiseOf = (index: number) => {
        let values = noise[index];
        if (values === undefined) {
            const random = mulberry32(seed * 1000003 + index);
            values = Float64Array.from({ length: minutes + 1 }, () => 2 * random() - 1);
            noise[index] = values;
        }
        return values;
    };
    // The day's shape at the last t asked: a simulation asks for every service at each t in turn.
    let shapeAt = Number.NaN;
    let shape = 0;
    return {
        name: "day",
        tunerRole: "cost",
        settledByChecks: false,
        durationSeconds: hours * HOUR,
        steps: [],
        description:
            `${hours === 8 ? "an 8-hour day" : `${hours} h of 8-hour days`}: base, a morning peak at 3 x base, ` +
            `a lunch dip to 2.2 x base, an afternoon peak at 3 x base, back to base (at most top), ±${DAY_NOISE * 100}% noise per minute`,
        load: (model, index, t) => {
            if (t !== shapeAt) {
                shape = interpolate(DAY_SHAPE, (t / HOUR) % 8);
                shapeAt = t;
            }
            const level = shape * base(model);
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
    const rows = text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"));
    if (rows.length === 0)
        throw new Error(
            "the load CSV has no rows: give `seconds,load` rows (with --service) or a header `seconds,<service>,...` and rows",
        );
    const separator = [";", "\t", "|"].find((candidate) => !rows[0].includes(",") && rows[0].includes(candidate));
    if (separator !== undefined) {
        throw new Error(
            `the load CSV separates its cells with ${separator === "\t" ? "tabs" : `"${separator}"`}: use commas (seconds,load)`,
        );
    }
    const first = rows[0].split(",").map((cell) => cell.trim());
    const hasHeader = Number.isNaN(Number(first[0]));
    let columns: string[];
    if ((hasHeader && first.length > 2) || (hasHeader && first[1] !== "load")) {
        columns = first.slice(1);
        const unknown = columns.filter((column) => !services.includes(column));
        if (unknown.length > 0)
            throw new Error(
                `the load CSV names unknown services: ${unknown.join(", ")}; services: ${services.join(", ")}`,
            );
    } else {
        if (service === undefined)
            throw new Error(
                "a `seconds,load` CSV is the load of one service: name it with --service, or give a header `seconds,<service>,...`",
            );
        columns = [service];
    }
    const data = rows.slice(hasHeader ? 1 : 0).map((row, line) => {
        const cells = row.split(",").map((cell) => Number(cell.trim()));
        if (cells.length !== columns.length + 1 || cells.some((cell) => !Number.isFinite(cell) || cell < 0)) {
            throw new Error(
                `the load CSV's row ${line + (hasHeader ? 2 : 1)} (${row}) must hold ${columns.length + 1} non-negative numbers`,
            );
        }
        return cells;
    });
    if (data.length < 2) {
        throw new Error(
            data.length === 0
                ? "the load CSV has a header but no rows: add at least two rows of seconds and load"
                : `the load CSV has one row (at ${data[0][0]} s): add at least two, so the load spans some time`,
        );
    }
    data.sort((a, b) => a[0] - b[0]);
    if (data[data.length - 1][0] === data[0][0])
        throw new Error(`the load CSV's rows are all at ${data[0][0]} s: the seconds column must span some time`);
    const series = new Map(
        columns.map((column, i) => [column, data.map((cells) => [cells[0], cells[i + 1]] as const)]),
    );
    return {
        name,
        tunerRole: "cost",
        settledByChecks: false,
        durationSeconds: data[data.length - 1][0],
        steps: [],
        description: `real traffic from a CSV (${data.length} rows, ${columns.join(", ")})`,
        load: (model, _index, t) => {
            const points = series.get(model.name);
            return points === undefined ? base(model) : interpolate(points, t);
        },
    };
}

/** The Prometheus label that names a series' service unless `--label` says otherwise. */
export const DEFAULT_SERVICE_LABEL = "service";

/**
 * A profile from a Prometheus `query_range` response (the HTTP API's JSON: `status: success`,
 * `data.resultType: matrix`, each series `{metric: {labels}, values: [[unix seconds, "value"], ...]}`).
 * Each series is the load of the service its `label` names, in that service's load unit
 * (simulator/service-model.ts); series of one service add up. Time counts from the earliest sample; load
 * is linear between samples (Prometheus leaves out steps without data); services without a series
 * stay at their base load. A series without the label, or naming no service, is an error.
 */
export function prometheusProfile(
    text: string,
    services: readonly string[],
    label = DEFAULT_SERVICE_LABEL,
    name = "prometheus",
): LoadProfile {
    const result = matrixResult(text);
    const bySeries = seriesByService(result, services, label);
    if (bySeries.size === 0) throw new Error("holds no series");
    const times = [...bySeries.values()].flatMap((list) => list.flatMap((points) => points.map(([t]) => t)));
    const start = times.reduce((min, t) => Math.min(min, t), Number.POSITIVE_INFINITY);
    const end = times.reduce((max, t) => Math.max(max, t), Number.NEGATIVE_INFINITY);
    // One series per service: the sum of its series at every timestamp any of them has.
    const merged = new Map(
        [...bySeries].map(([service, list]) => {
            const times = [...new Set(list.flatMap((points) => points.map(([t]) => t)))].sort((a, b) => a - b);
            return [
                service,
                times.map((t) => [t - start, list.reduce((sum, points) => sum + interpolate(points, t), 0)] as const),
            ] as const;
        }),
    );
    return {
        name,
        tunerRole: "cost",
        settledByChecks: false,
        durationSeconds: end - start,
        steps: [],
        description: `real traffic from Prometheus (${result.length} series over ${Math.round((end - start) / 60)} min, ${[...merged.keys()].join(", ")})`,
        load: (model, _index, t) => {
            const points = merged.get(model.name);
            return points === undefined ? base(model) : interpolate(points, t);
        },
    };
}

/** The series of a `query_range` response's matrix, after checking that it is one. */
function matrixResult(text: string): unknown[] {
    let response: unknown;
    try {
        response = JSON.parse(text);
    } catch (error) {
        // eslint-disable-next-line preserve-caught-error -- the message carries the cause; es2020's Error takes no options
        throw new Error(`is not JSON: ${(error as Error).message}`);
    }
    const body = response as {
        status?: unknown;
        error?: unknown;
        errorType?: unknown;
        data?: { resultType?: unknown; result?: unknown };
    };
    if (body === null || typeof body !== "object" || Array.isArray(body))
        throw new Error("must be a Prometheus query_range response (a JSON object with status and data)");
    if (body.status !== "success") {
        throw new Error(
            `is a failed Prometheus response (status ${JSON.stringify(body.status)}${body.error !== undefined ? `: ${body.errorType ?? "error"}: ${body.error}` : ""})`,
        );
    }
    if (body.data?.resultType !== "matrix" || !Array.isArray(body.data.result)) {
        throw new Error(
            `must hold a matrix result (a query_range response); got resultType ${JSON.stringify(body.data?.resultType)}`,
        );
    }
    return body.data.result;
}

/** Each service's series, by the `label` that names it, each as (unix seconds, value) points in time order. */
function seriesByService(
    result: readonly unknown[],
    services: readonly string[],
    label: string,
): Map<string, (readonly [number, number])[][]> {
    const bySeries = new Map<string, (readonly [number, number])[][]>();
    result.forEach((entry: unknown, index: number) => {
        const series = entry as { metric?: Record<string, unknown>; values?: unknown };
        const labels = series?.metric ?? {};
        const shown = `series ${index} (${labelsText(labels)})`;
        const service = labels[label];
        if (typeof service !== "string" || service === "") {
            throw new Error(
                `${shown} has no "${label}" label to name its service: aggregate by it (sum by (${label}) (...)) or name the label with --label`,
            );
        }
        if (!services.includes(service))
            throw new Error(`${shown} names unknown service ${service}; services: ${services.join(", ")}`);
        if (!Array.isArray(series.values) || series.values.length === 0) throw new Error(`${shown} has no values`);
        const points = series.values.map((pair: unknown, at: number) => {
            const [time, value] = Array.isArray(pair) ? pair : [];
            const t = Number(time);
            const v = typeof value === "string" ? Number(value) : Number.NaN;
            if (!Number.isFinite(t) || !Number.isFinite(v) || v < 0) {
                throw new Error(
                    `${shown} value ${at} (${JSON.stringify(pair)}) must be [unix seconds, "non-negative number"]`,
                );
            }
            return [t, v] as const;
        });
        bySeries.set(service, [...(bySeries.get(service) ?? []), points.sort((a, b) => a[0] - b[0])]);
    });
    return bySeries;
}

function labelsText(labels: Record<string, unknown>): string {
    const text = Object.entries(labels)
        .map(([key, value]) => `${key}="${String(value)}"`)
        .join(", ");
    return text === "" ? "no labels" : `{${text}}`;
}

function clamp01(value: number): number {
    return Math.max(0, Math.min(1, value));
}

/** Linear interpolation over sorted (x, y) points, flat outside them. */
function interpolate(points: readonly (readonly [number, number])[], x: number): number {
    if (x <= points[0][0]) return points[0][1];
    // Indexed, not destructured: destructuring runs the iterator protocol, and this runs for every service at every step.
    for (let i = 1; i < points.length; i++) {
        const x1 = points[i][0];
        if (x <= x1) {
            const y1 = points[i][1];
            const x0 = points[i - 1][0];
            const y0 = points[i - 1][1];
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
