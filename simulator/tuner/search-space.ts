// The settings the tuner varies (its dimensions) and the values it tries for each, in the order the
// search walks them; a candidate is the stack file's project config with settings changed (withPath).
import type { PlatformConfig } from "../../config";
import { valueAt } from "../../config-path";
import { capacityReport, QUOTA_RESOURCES, QuotaResource } from "../../capacity/model";

/** A path to a setting in the project's config, without the `berrys-platform:` namespace. */
export type SettingPath = readonly (string | number)[];

/** One setting the search varies, and the values it tries. */
export interface Dimension {
    readonly path: SettingPath;
    /** Values to try; the current one is among them or added. */
    readonly values: readonly unknown[];
}

export interface Change {
    readonly path: SettingPath;
    readonly from: unknown;
    readonly to: unknown;
}

/** Where headroom sits in the stack's config. */
export const HEADROOM_PATH: SettingPath = ["addons", "clusterAutoscaler", "headroom"];

type Tuning = PlatformConfig["simulation"]["tuning"];
type Service = PlatformConfig["services"][string];

/** Per direction, the `simulation.tuning` lists of windows and of a one-Percent policy's values. */
const BEHAVIOR_VALUES = {
    scaleUp: { windows: "scaleUpStabilizationWindowSeconds", percents: "scaleUpPercent" },
    scaleDown: { windows: "scaleDownStabilizationWindowSeconds", percents: "scaleDownPercent" },
} as const;

/**
 * The search space of the stack, in the order the search walks it: the quota, each service's
 * behavior, replicas and targets, the node groups, then cluster-autoscaler's headroom.
 */
export function dimensions(
    config: PlatformConfig,
    raw: Readonly<Record<string, unknown>>,
    service?: string,
): Dimension[] {
    const everything = service === undefined;
    const dims = [
        // The quota is shared: searched with --service too (a quota warning would otherwise block every proposal).
        ...quotaDimensions(config),
        ...Object.entries(config.services)
            .filter(([name]) => everything || name === service)
            .flatMap(([name, settings]) => serviceDimensions(config, name, settings)),
        ...(everything ? nodeGroupDimensions(config) : []),
        ...(everything ? headroomDimensions(config) : []),
    ];
    // The values the stack file holds are always among those tried (the search starts there).
    return dims.map((dim) => {
        const current = valueAt(raw, dim.path);
        return dim.values.length === 0 || current === undefined || dim.values.some((value) => same(value, current))
            ? dim
            : { ...dim, values: [current, ...dim.values] };
    });
}

function quotaDimensions(config: PlatformConfig): Dimension[] {
    return QUOTA_RESOURCES.filter((resource) => config.namespace.quota[resource] !== undefined).map((resource) => ({
        path: ["namespace", "quota", resource],
        values: [],
    }));
}

function serviceDimensions(config: PlatformConfig, name: string, settings: Service): Dimension[] {
    const tuning = config.simulation.tuning;
    const bounds = tuning.services[name] ?? { targets: {} };
    return [
        ...behaviorDimensions(tuning, name, settings, "scaleUp"),
        ...behaviorDimensions(tuning, name, settings, "scaleDown"),
        ...(["minReplicas", "maxReplicas"] as const).flatMap((key) => {
            const range = bounds[key];
            return range === undefined
                ? []
                : [{ path: ["services", name, key], values: integers(range.min, range.max) }];
        }),
        ...settings.metrics.flatMap((metric, index) => targetDimensions(config, name, metric, index)),
    ];
}

function behaviorDimensions(
    tuning: Tuning,
    name: string,
    settings: Service,
    direction: keyof typeof BEHAVIOR_VALUES,
): Dimension[] {
    const rules = settings.behavior?.[direction];
    if (rules === undefined) return [];
    const path = ["services", name, "behavior", direction];
    const dims: Dimension[] = [
        { path: [...path, "stabilizationWindowSeconds"], values: tuning[BEHAVIOR_VALUES[direction].windows] },
    ];
    const policies = rules.policies ?? [];
    if (policies.length === 1 && policies[0].type === "Percent")
        dims.push({ path: [...path, "policies", 0, "value"], values: tuning[BEHAVIOR_VALUES[direction].percents] });
    return dims;
}

function targetDimensions(
    config: PlatformConfig,
    name: string,
    metric: Service["metrics"][number],
    index: number,
): Dimension[] {
    const target = config.simulation.tuning.services[name]?.targets[metric.name];
    if (target === undefined || metric.type === "Object") return [];
    const values: number[] = [];
    for (let value = target.min; value <= target.max + 1e-9; value += target.step)
        values.push(Number(value.toFixed(6)));
    const path = ["services", name, "metrics", index];
    return [
        metric.type === "Resource" && metric.averageUtilization !== undefined
            ? { path: [...path, "averageUtilization"], values: values.map(Math.round) }
            : { path: [...path, "averageValue"], values: values.map(String) },
    ];
}

function nodeGroupDimensions(config: PlatformConfig): Dimension[] {
    return Object.entries(config.nodeGroups).flatMap(([name, group]) => {
        const bounds = config.simulation.tuning.nodeGroups[name] ?? {};
        const minSize = bounds.minSize ?? { min: Math.max(0, group.minSize - 1), max: group.minSize };
        return [
            ...(bounds.instanceTypes === undefined
                ? []
                : [
                      {
                          path: ["nodeGroups", name, "instanceTypes"],
                          values: bounds.instanceTypes.map((type) => [type]),
                      },
                  ]),
            { path: ["nodeGroups", name, "minSize"], values: integers(minSize.min, minSize.max) },
            ...(bounds.maxSize === undefined
                ? []
                : [
                      {
                          path: ["nodeGroups", name, "maxSize"],
                          values: integers(bounds.maxSize.min, bounds.maxSize.max),
                      },
                  ]),
        ];
    });
}

function headroomDimensions(config: PlatformConfig): Dimension[] {
    const sizes = config.simulation.tuning.headroom;
    return config.addons.clusterAutoscaler.enabled && sizes.length > 0
        ? [{ path: HEADROOM_PATH, values: sizes.map((size) => ({ cpu: size.cpu, memory: size.memory })) }]
        : [];
}

/**
 * The quota values worth trying for `resource` in the candidate: what it holds, and what every
 * service needs at max replicas and during a rollout at max, rounded up (cores and Gi whole).
 */
export function quotaValues(candidate: PlatformConfig, resource: QuotaResource, current: unknown): unknown[] {
    const row = capacityReport(candidate).quota.find((quota) => quota.resource === resource);
    if (row === undefined || row.hard === null) return [current];
    const text = (amount: number) =>
        row.unit === "bytes" ? `${Math.ceil(amount / 2 ** 30 - 1e-9)}Gi` : String(Math.ceil(amount - 1e-9));
    const values: unknown[] = [current];
    for (const amount of [row.atMax, row.atMaxDuringRollout]) {
        if (amount > row.hard && !values.includes(text(amount))) values.push(text(amount));
    }
    return values;
}

/** The dimensions whose value in `raw` differs from the stack file's, as changes. */
export function changesOf(
    space: readonly Dimension[],
    original: Readonly<Record<string, unknown>>,
    raw: Readonly<Record<string, unknown>>,
): Change[] {
    return space
        .filter((dim) => !same(valueAt(raw, dim.path), valueAt(original, dim.path)))
        .map((dim) => ({ path: dim.path, from: valueAt(original, dim.path), to: valueAt(raw, dim.path) }));
}

/** The values that differ between `from` and `to`, leaf by leaf (lists such as instanceTypes count as one value). */
export function leafChanges(from: unknown, to: unknown, path: (string | number)[] = []): Change[] {
    const isMap = (value: unknown): value is Record<string, unknown> =>
        value !== null && typeof value === "object" && !Array.isArray(value);
    const isObjectList = (value: unknown): value is unknown[] =>
        Array.isArray(value) && value.some((item) => item !== null && typeof item === "object");
    if ((isMap(from) && isMap(to)) || (isObjectList(from) && isObjectList(to))) {
        const keys = [...new Set([...Object.keys(from as object), ...Object.keys(to as object)])];
        return keys.flatMap((key) => {
            const step = Array.isArray(to) ? Number(key) : key;
            return leafChanges((from as Record<string, unknown>)[key], (to as Record<string, unknown>)[key], [
                ...path,
                step,
            ]);
        });
    }
    return same(from, to) ? [] : [{ path, from, to }];
}

/**
 * A copy of `root` with `value` at `path` (maps created on the way). A node group's desiredSize
 * follows its min and max size: the `original`'s, moved inside them.
 */
export function withPath(
    root: Readonly<Record<string, unknown>>,
    path: SettingPath,
    value: unknown,
    original: Readonly<Record<string, unknown>> = root,
): Record<string, unknown> {
    const copy = structuredClone(root) as Record<string, unknown>;
    let node = copy as Record<string | number, unknown>;
    path.slice(0, -1).forEach((key, i) => {
        if (node[key] === undefined || node[key] === null || typeof node[key] !== "object")
            node[key] = typeof path[i + 1] === "number" ? [] : {};
        node = node[key] as Record<string | number, unknown>;
    });
    node[path[path.length - 1]] = value;
    if (path[0] === "nodeGroups" && (path[2] === "minSize" || path[2] === "maxSize")) {
        const group = node as { minSize: number; maxSize: number; desiredSize: number };
        const desired = Number(valueAt(original, [...path.slice(0, 2), "desiredSize"]) ?? group.desiredSize);
        group.desiredSize = Math.min(group.maxSize, Math.max(group.minSize, desired));
    }
    return copy;
}

/** Setting values compare as their JSON. */
export function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

function integers(min: number, max: number): number[] {
    return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}
