// The `simulation.tuning` checks that need the whole config, composed by preflight.ts.
import type { ConfigCheck, PlatformConfig } from "../../config";
import { keyName } from "../../config";
import { instanceTypeSpec } from "../../capacity/instance-types";
import { hourlyPrice } from "../../catalog/prices";

/**
 * The `simulation.tuning` checks that need the whole config (preflight.ts composes them): its
 * services and node groups must exist, every instance type it offers must be one the capacity
 * model and the price table (or `tuning.prices`) know, and a searched target needs the load model
 * pinned. The tuner searches only stacks that pass them, and refuses nothing of its own.
 */
export function tuningChecks(config: PlatformConfig): ReturnType<ConfigCheck> {
    return {
        errors: [...serviceBoundErrors(config), ...nodeGroupBoundErrors(config), ...targetSearchErrors(config)],
        warnings: [],
    };
}
tuningChecks.doc =
    "The tuner's services and node groups must exist, every instance type it tries must be sized (capacity/instance-types.ts) and priced, and a service whose targets it searches must pin its load model (capacityPerPod and the utilizations at capacity).";

function serviceBoundErrors(config: PlatformConfig): string[] {
    const services = Object.keys(config.services);
    return Object.keys(config.simulation.tuning.services)
        .filter((name) => !services.includes(name))
        .map(
            (name) =>
                `${keyName(["simulation", "tuning", "services", name])} must name a service of ${keyName(["services"])} (${services.join(", ")})`,
        );
}

function nodeGroupBoundErrors(config: PlatformConfig): string[] {
    const tuning = config.simulation.tuning;
    const groups = Object.keys(config.nodeGroups);
    return Object.entries(tuning.nodeGroups).flatMap(([name, bounds]) => [
        ...(groups.includes(name)
            ? []
            : [
                  `${keyName(["simulation", "tuning", "nodeGroups", name])} must name a node group of ${keyName(["nodeGroups"])} (${groups.join(", ")})`,
              ]),
        ...(bounds.instanceTypes ?? []).flatMap((type, index) => {
            const key = keyName(["simulation", "tuning", "nodeGroups", name, "instanceTypes", index]);
            if (instanceTypeSpec(type, config.guardrails.instanceTypes) === undefined)
                return [
                    `${key} (${type}) must be an instance type capacity/instance-types.ts knows\nadd it under ${keyName(["guardrails", "instanceTypes", type])}`,
                ];
            return hourlyPrice(type, tuning.prices) === undefined
                ? [
                      `${key} (${type}) has no price: set ${keyName(["simulation", "tuning", "prices", type])} (USD per hour)`,
                  ]
                : [];
        }),
    ]);
}

/** Load-model keys that default from the HPA's targets (simulator/service-model.ts). */
const TARGET_DERIVED = ["capacityPerPod", "cpuUtilizationAtCapacity", "memoryUtilizationAtCapacity"] as const;

/** A target search needs the load model pinned: its defaults derive from the targets, so the search would change the pods, not just the HPA. */
function targetSearchErrors(config: PlatformConfig): string[] {
    return Object.entries(config.simulation.tuning.services).flatMap(([name, bounds]) => {
        const service = config.services[name];
        if (service === undefined) return [];
        const model = config.simulation.services[name] ?? {};
        const unpinned = TARGET_DERIVED.filter((key) => model[key] === undefined);
        if (unpinned.length === 0) return [];
        return service.metrics
            .filter((metric) => bounds.targets[metric.name] !== undefined && metric.type !== "Object")
            .map(
                (metric) =>
                    `${keyName(["simulation", "tuning", "services", name, "targets", metric.name])} searches a target, but ` +
                    `${unpinned.map((key) => keyName(["simulation", "services", name, key])).join(", ")} ${unpinned.length === 1 ? "is" : "are"} derived from the targets: ` +
                    "set them to what a pod really does, so that the search changes the HPA and not the pods",
            );
    });
}
