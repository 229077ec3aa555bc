// Checks simulator/hpa/controller.ts against the Kubernetes HPA controller's own test tables (sources: tests/helpers/hpa-upstream.ts).
import { strict as assert } from "assert";
import {
    GO_ZERO_TIME_SECONDS,
    HPA_SYNC_PERIOD_SECONDS,
    HpaControllerConfig,
    HpaSpec,
    PodInfo,
    computeReplicasForMetrics,
    newHpaState,
    reconcile,
} from "../../../simulator/hpa";
import { NOW, MINUTE } from "../../helpers/hpa-upstream";

describe("the HPA port: controller (computeReplicasForMetrics, reconcile)", () => {
    describe("computeReplicasForMetrics (max of the per-metric proposals)", () => {
        it("takes the largest proposal", () => {
            assert.deepEqual(
                computeReplicasForMetrics(3, [
                    { replicas: 4, metric: "cpu" },
                    { replicas: 7, metric: "qps" },
                    { replicas: 2, metric: "mem" },
                ]),
                { replicas: 7, metric: "qps" },
            );
        });
        it("never scales down on partial data: one failed metric and a maximum below spec replicas is an error (TestNoScaleDownOneMetricInvalid)", () => {
            const got = computeReplicasForMetrics(5, [
                { replicas: 3, metric: "cpu" },
                { error: "unknown metric source type", reason: "InvalidMetricSourceType" },
            ]);
            assert.equal(got.replicas, -1);
            assert.equal(got.invalidReason, "InvalidMetricSourceType");
        });
        it("scales up on partial data, reporting the error (TestScaleUpOneMetricEmpty: 3 -> 4)", () => {
            const got = computeReplicasForMetrics(3, [
                { replicas: 4, metric: "cpu" },
                { error: "something went wrong", reason: "FailedGetExternalMetric" },
            ]);
            assert.equal(got.replicas, 4);
            assert.match(got.error ?? "", /invalid metrics \(1 invalid out of 2\)/);
        });
    });

    // [H] controller-level cases run through reconcile(). The fake metrics source splits each reported level over two
    // containers as level/2 (all levels here are even) and requests 1.0 CPU per pod; pods started at the Go zero time.
    // The upstream controller tests run with scaleUpLimitFactor 8, tolerance 0.1, CPU init 2 min, readiness 10 s, window 5 min.
    describe("reconcile (controller-level cases of horizontal_test.go)", () => {
        const testConfig: HpaControllerConfig = {
            tolerance: 0.1,
            downscaleStabilizationWindowSeconds: 5 * MINUTE,
            cpuInitializationPeriodSeconds: 2 * MINUTE,
            delayOfInitialReadinessStatusSeconds: 10,
            scaleUpLimitFactor: 8,
        };
        const cpu = (target: number) => ({
            type: "Resource" as const,
            name: "cpu",
            target: { type: "Utilization" as const, averageUtilization: target },
        });
        function cpuObservation(levels: number[]) {
            const pods: PodInfo[] = levels.map((_, i) => ({
                name: `test-pod-${i}`,
                ready: true,
                readyLastTransitionTime: GO_ZERO_TIME_SECONDS,
                startTime: GO_ZERO_TIME_SECONDS,
                request: 1000,
            }));
            const samples = new Map(
                levels.map((level, i) => [
                    `test-pod-${i}`,
                    { value: 2 * Math.trunc(level / 2), timestamp: NOW, window: MINUTE },
                ]),
            );
            return { pods, samples };
        }

        // The port returns new arrays and may share an unchanged one between states (recordInitialRecommendation
        // hands on the stored slice): a reconcile must leave the state it was given as it was, on every path.
        it("leaves the state it was given as it was: its recommendations and scale events, on every path", () => {
            const spec: HpaSpec = { minReplicas: 1, maxReplicas: 10, metrics: [cpu(50)], behavior: {} };
            const levels = { up: [900, 900, 900], down: [100, 100, 100], within: [500, 500, 500] };
            for (const [path, observed] of Object.entries(levels)) {
                let state = newHpaState();
                for (let sync = 0; sync < 30; sync++) {
                    const before = structuredClone(state);
                    const t = NOW + sync * HPA_SYNC_PERIOD_SECONDS;
                    const next = reconcile(
                        t,
                        spec,
                        state,
                        { currentReplicas: 3, metrics: [cpuObservation(observed)] },
                        testConfig,
                    );
                    assert.deepEqual(state, before, `${path}, sync ${sync}`);
                    state = next.state;
                }
            }
            // The early returns: scaling disabled (0 replicas), and a failed metric.
            const state = reconcile(
                NOW,
                spec,
                newHpaState(),
                { currentReplicas: 3, metrics: [cpuObservation([500, 500, 500])] },
                testConfig,
            ).state;
            const before = structuredClone(state);
            reconcile(NOW + 15, spec, state, { currentReplicas: 0, metrics: [cpuObservation([500])] }, testConfig);
            reconcile(
                NOW + 30,
                spec,
                state,
                { currentReplicas: 3, metrics: [{ error: "metrics API unavailable" }] },
                testConfig,
            );
            assert.deepEqual(state, before);
        });
        it("TestZeroReplicas: 0 current replicas with minReplicas 3 disables scaling and stays at 0", () => {
            const spec: HpaSpec = { minReplicas: 3, maxReplicas: 5, metrics: [cpu(90)] };
            const got = reconcile(
                NOW,
                spec,
                { ...newHpaState(), recommendations: [] },
                { currentReplicas: 0, metrics: [{ error: "no pods" }] },
                testConfig,
            );
            assert.equal(got.desiredReplicas, 0);
            assert.equal(got.rescale, false);
            assert.deepEqual(got.conditions, { ableToScale: "SucceededGetScale", scalingActive: "ScalingDisabled" });
        });
        it("TestTooFewReplicas: 2 current replicas below minReplicas 3 go to 3 without reading metrics", () => {
            const spec: HpaSpec = { minReplicas: 3, maxReplicas: 5, metrics: [cpu(90)] };
            const got = reconcile(
                NOW,
                spec,
                newHpaState(),
                { currentReplicas: 2, metrics: [{ error: "no metrics" }] },
                testConfig,
            );
            assert.equal(got.desiredReplicas, 3);
            assert.equal(got.conditions.ableToScale, "SucceededRescale");
        });
        it("TestTooManyReplicas: 10 current replicas above maxReplicas 5 go to 5 without reading metrics", () => {
            const spec: HpaSpec = { minReplicas: 3, maxReplicas: 5, metrics: [cpu(90)] };
            const got = reconcile(
                NOW,
                spec,
                newHpaState(),
                { currentReplicas: 10, metrics: [{ error: "no metrics" }] },
                testConfig,
            );
            assert.equal(got.desiredReplicas, 5);
            assert.equal(got.conditions.ableToScale, "SucceededRescale");
        });
        it("TestScaleDown: 28% against a 50% target scales 5 -> 3 when the HPA has an (empty) recommendation history", () => {
            const spec: HpaSpec = { minReplicas: 2, maxReplicas: 6, metrics: [cpu(50)] };
            const got = reconcile(
                NOW,
                spec,
                { ...newHpaState(), recommendations: [] },
                { currentReplicas: 5, metrics: [cpuObservation([100, 300, 500, 250, 250])] },
                testConfig,
            );
            assert.equal(got.desiredReplicas, 3);
            assert.deepEqual(got.conditions, {
                ableToScale: "SucceededRescale",
                scalingActive: "ValidMetricFound",
                scalingLimited: "DesiredWithinRange",
            });
        });
        it("TestScaleDownStabilizeInitialSize: on first sight the current 5 replicas are the stored recommendation, so 5 stays 5", () => {
            const spec: HpaSpec = { minReplicas: 2, maxReplicas: 6, metrics: [cpu(50)] };
            const got = reconcile(
                NOW,
                spec,
                newHpaState(),
                { currentReplicas: 5, metrics: [cpuObservation([100, 300, 500, 250, 250])] },
                testConfig,
            );
            assert.equal(got.desiredReplicas, 5);
            assert.equal(got.rescale, false);
            assert.deepEqual(got.conditions, {
                ableToScale: "ScaleDownStabilized",
                scalingActive: "ValidMetricFound",
                scalingLimited: "DesiredWithinRange",
            });
        });
        it("derived: with the default behavior (Pods 4 / Percent 100 per 15 s) 2 -> 6, held at 6 five seconds later, 6 -> 12 at the next 15 s sync", () => {
            const spec: HpaSpec = { minReplicas: 1, maxReplicas: 100, metrics: [cpu(10)], behavior: {} };
            const first = reconcile(
                NOW,
                spec,
                newHpaState(),
                { currentReplicas: 2, metrics: [cpuObservation([1000, 1000])] },
                testConfig,
            );
            assert.equal(first.desiredReplicas, 6); // max(2 + 4, ceil(2 * 2))
            assert.equal(first.reason, "ScaleUpLimit");
            assert.deepEqual(first.state.scaleUpEvents, [{ replicaChange: 4, timestamp: NOW, outdated: false }]);
            const early = reconcile(
                NOW + 5,
                spec,
                first.state,
                { currentReplicas: 6, metrics: [cpuObservation(Array(6).fill(1000))] },
                testConfig,
            );
            assert.equal(early.desiredReplicas, 6); // the period still holds the +4 event: start 2, limit 6
            const next = reconcile(
                NOW + HPA_SYNC_PERIOD_SECONDS,
                spec,
                first.state,
                { currentReplicas: 6, metrics: [cpuObservation(Array(6).fill(1000))] },
                testConfig,
            );
            assert.equal(next.desiredReplicas, 12); // the event is exactly 15 s old, outside the period: max(6 + 4, 12)
        });
    });
});
