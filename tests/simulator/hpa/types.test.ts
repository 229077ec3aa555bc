// simulator/hpa/types.ts: the kube-controller-manager flag defaults the HPA port runs with, and its
// error path's error.
import { strict as assert } from "assert";
import {
    DEFAULT_HPA_CONTROLLER_CONFIG,
    HPA_SYNC_PERIOD_SECONDS,
    MetricComputationError,
    SCALE_UP_LIMIT_MINIMUM,
} from "../../../simulator/hpa";

describe("the HPA port's constants", () => {
    it("the controller's flag defaults (pkg/controller/podautoscaler/config/v1alpha1/defaults.go `RecommendedDefaultHPAControllerConfiguration`)", () => {
        assert.equal(HPA_SYNC_PERIOD_SECONDS, 15, "--horizontal-pod-autoscaler-sync-period 15s");
        const { scaleUpLimitFactor, ...flags } = DEFAULT_HPA_CONTROLLER_CONFIG;
        assert.ok(scaleUpLimitFactor !== undefined, "horizontal.go's, in the next case");
        assert.deepEqual(flags, {
            tolerance: 0.1,
            downscaleStabilizationWindowSeconds: 300,
            cpuInitializationPeriodSeconds: 300,
            delayOfInitialReadinessStatusSeconds: 30,
        });
    });

    it("the legacy scale-up cap without behavior (pkg/controller/podautoscaler/horizontal.go `scaleUpLimitFactor`, `scaleUpLimitMinimum`)", () => {
        assert.equal(DEFAULT_HPA_CONTROLLER_CONFIG.scaleUpLimitFactor, 2);
        assert.equal(SCALE_UP_LIMIT_MINIMUM, 4);
    });
});

describe("MetricComputationError", () => {
    it("carries its message and name but no stack trace, and leaves Error.stackTraceLimit as it was", () => {
        const before = Error.stackTraceLimit;
        const error = new MetricComputationError("did not receive metrics for targeted pods");
        assert.ok(error instanceof Error);
        assert.equal(error.name, "MetricComputationError");
        assert.equal(error.message, "did not receive metrics for targeted pods");
        assert.equal(error.stack, "MetricComputationError: did not receive metrics for targeted pods");
        assert.equal(Error.stackTraceLimit, before);
    });
});
