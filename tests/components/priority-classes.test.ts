// components/priority-classes.ts: the PriorityClasses, their order and who may preempt whom.
import { strict as assert } from "assert";
import { MONITORING_PRIORITY_CLASS, PRIORITY_CLASSES } from "../../components/priority-classes";

describe("the priority classes", () => {
    it("critical services may preempt standard ones, never the other way, and both stay below the system classes", () => {
        assert.ok(PRIORITY_CLASSES.critical.value > PRIORITY_CLASSES.standard.value);
        assert.equal(PRIORITY_CLASSES.standard.preemptionPolicy, "Never");
        assert.ok(PRIORITY_CLASSES.critical.value < 1_000_000_000, "user classes must stay below 1e9");
    });

    // Issue 21: under node pressure the scheduler preempts lower priorities before cluster-autoscaler
    // adds a node; at priority 0 the custom-metrics path lost a Prometheus exactly at peak.
    it("berrys-monitoring ranks at least with the services' highest class, and may preempt only lower ones (never a critical service)", () => {
        const highest = Math.max(...Object.values(PRIORITY_CLASSES).map((spec) => spec.value));
        assert.equal(MONITORING_PRIORITY_CLASS.name, "berrys-monitoring");
        assert.ok(MONITORING_PRIORITY_CLASS.value >= highest, "a critical service would preempt Prometheus");
        assert.ok(
            MONITORING_PRIORITY_CLASS.value <= PRIORITY_CLASSES.critical.value,
            "Prometheus would preempt critical services",
        );
        assert.equal(MONITORING_PRIORITY_CLASS.preemptionPolicy, "PreemptLowerPriority");
    });
});
