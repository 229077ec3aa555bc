// The `simulation.tuning` checks that need the whole config, composed by preflight.ts.
import type { ConfigCheck, PlatformConfig } from "../../config";
import { keyName } from "../../config";
import { instanceTypeSpec } from "../../capacity/instance-types";
import { hourlyPrice } from "../../catalog/prices";

/**
 * The `simulation.tuning` checks that need the whole config (preflight.ts composes them): its
 * services and node groups must exist, and every instance type it offers must be one the capacity
 * model and the price table (or `tuning.prices`) know.
 */
export function tuningChecks(config: PlatformConfig): ReturnType<ConfigCheck> {
    const errors: string[] = [];
    const tuning = config.simulation.tuning;
    const services = Object.keys(config.services);
    const groups = Object.keys(config.nodeGroups);
    for (const name of Object.keys(tuning.services)) {
        if (!services.includes(name))
            errors.push(
                `${keyName(["simulation", "tuning", "services", name])} must name a service of ${keyName(["services"])} (${services.join(", ")})`,
            );
    }
    for (const [name, bounds] of Object.entries(tuning.nodeGroups)) {
        if (!groups.includes(name)) {
            errors.push(
                `${keyName(["simulation", "tuning", "nodeGroups", name])} must name a node group of ${keyName(["nodeGroups"])} (${groups.join(", ")})`,
            );
        }
        (bounds.instanceTypes ?? []).forEach((type, index) => {
            const key = keyName(["simulation", "tuning", "nodeGroups", name, "instanceTypes", index]);
            if (instanceTypeSpec(type, config.guardrails.instanceTypes) === undefined) {
                errors.push(
                    `${key} (${type}) must be an instance type capacity/instance-types.ts knows\nadd it under ${keyName(["guardrails", "instanceTypes", type])}`,
                );
            } else if (hourlyPrice(type, tuning.prices) === undefined) {
                errors.push(
                    `${key} (${type}) has no price: set ${keyName(["simulation", "tuning", "prices", type])} (USD per hour)`,
                );
            }
        });
    }
    return { errors, warnings: [] };
}
tuningChecks.doc =
    "The tuner's services and node groups must exist, and every instance type it tries must be sized (capacity/instance-types.ts) and priced.";
