// The placeholders' data (catalog/headroom.ts): their priority sits in cluster-autoscaler's
// overprovisioning band, below every pod the platform runs and not below the expendable cutoff.
import { strict as assert } from "assert";
import { CA_EXPENDABLE_PODS_PRIORITY_CUTOFF, HEADROOM } from "../../catalog/headroom";
import { MONITORING_PRIORITY_CLASS, PRIORITY_CLASSES } from "../../catalog/priority-classes";

/** cluster-autoscaler core/utils/expendable.go `IsExpendablePod` (cluster-autoscaler-1.34.5, 1.35.2): priority below the cutoff. */
const isExpendable = (priority: number) => priority < -10;

describe("HEADROOM's priority class", () => {
    it("cluster-autoscaler's default cutoff: -10 (`--expendable-pods-priority-cutoff`, config/flags/flags.go at cluster-autoscaler-1.34.5 and 1.35.2)", () => {
        assert.equal(CA_EXPENDABLE_PODS_PRIORITY_CUTOFF, -10);
    });

    it("below pods that name no class (0) and every class of the platform, and not expendable: a pending placeholder still makes cluster-autoscaler add a node", () => {
        const { value } = HEADROOM.priorityClass;
        assert.ok(value < 0, "below pods that name no class (priority 0)");
        for (const spec of [...Object.values(PRIORITY_CLASSES), MONITORING_PRIORITY_CLASS]) {
            assert.ok(value < spec.value, spec.name);
        }
        assert.equal(isExpendable(value), false);
    });
});
