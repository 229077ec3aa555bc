// The builders' input for the tests: the production stack's real config, with `addons.monitoring`
// parsed from an override (defaults when none), so thresholds can be changed one at a time.
import { observabilityInput, type ScalingObservabilityInput } from "../../components/monitoring/input";
import { monitoringSchema } from "../../schema/monitoring";
import { stackConfig } from "./stacks";

export function productionInput(monitoring: unknown = undefined): ScalingObservabilityInput {
    return observabilityInput(stackConfig("production"), monitoringSchema.parse(monitoring));
}
