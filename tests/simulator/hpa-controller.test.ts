/**
 * Checks simulator/hpa-controller.ts against the Kubernetes HPA controller's own test tables, transcribed as data.
 *
 * Sources (expected values are upstream's literals, never this port's output):
 *   [H] kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go @ 003e86297d18a8538c9da3619871393f9703bf70,
 *       a post-1.28 revision (its NewHorizontalController takes a context) read through the code index; no v1.28.0 copy
 *       of this file was indexed. Its behavior tables still contain the `testThis` case that recent master removed,
 *       and a comparison with v1.28.0's file found them identical.
 *   [D] kubernetes/kubernetes pkg/apis/autoscaling/v2/defaults_test.go @ 0a74a85ed8c08e0f0588ecc4a764883698a1b99e.
 *   [R] pkg/controller/podautoscaler/replica_calculator_test.go, a 1.27/1.28-era revision (GetResourceReplicas with
 *       ctx and container, makePodMetricLevels), found through the code index by content; the index gave no
 *       repository name for it.
 *
 *   [R34] replica_calculator_test.go at a post-1.33 revision (its calculator takes `tolerances Tolerances` per call),
 *       read through the code index; its TestReplicaCalcConfigurableTolerance* cases are the 1.33+ tolerance cases.
 *       The v1.28 cases above it are unchanged there (same names, levels and expectations).
 *
 * Go times are `time.Now()` offsets; here NOW is a fixed second count and offsets are converted to seconds.
 */
import { strict as assert } from "assert";
import {
    GO_ZERO_TIME_SECONDS,
    HPA_SYNC_PERIOD_SECONDS,
    HPA_TOLERANCE,
    HPAScalingRules,
    HpaControllerConfig,
    HpaSpec,
    PodInfo,
    PodMetric,
    ReplicaCalculatorConfig,
    TimestampedRecommendation,
    TimestampedScaleEvent,
    calcPlainMetricReplicas,
    calculateScaleDownLimitWithBehaviors,
    calculateScaleUpLimitWithScalingRules,
    computeReplicasForMetrics,
    convertDesiredReplicasWithBehaviorRate,
    convertDesiredReplicasWithRules,
    generateHPAScaleDownRules,
    generateHPAScaleUpRules,
    getPerPodMetricReplicas,
    getReplicasChangePerPeriod,
    getResourceReplicas,
    getUsageRatioReplicaCount,
    maybeInitScaleDownStabilizationWindow,
    newHpaState,
    reconcile,
    setDefaultsHorizontalPodAutoscalerBehavior,
    stabilizeRecommendation,
    stabilizeRecommendationWithBehaviors,
    storeScaleEvent,
    tolerancesForHpa,
} from "../../simulator/hpa-controller";
import { PodSamples } from "../../simulator/pod-samples";

const NOW = 1_700_000_000;
const MINUTE = 60;

/** [H] generateScalingRules: selectPolicy Max; a Pods policy if pods != 0, then a Percent policy if percent != 0. */
function generateScalingRules(
    pods: number,
    podsPeriod: number,
    percent: number,
    percentPeriod: number,
    stabilizationWindow: number,
): HPAScalingRules {
    const policies: HPAScalingRules["policies"] = [];
    if (pods !== 0) policies.push({ type: "Pods", value: pods, periodSeconds: podsPeriod });
    if (percent !== 0) policies.push({ type: "Percent", value: percent, periodSeconds: percentPeriod });
    // Go leaves Policies nil when neither is set; GenerateHPAScale*Rules then keeps the default list.
    return {
        stabilizationWindowSeconds: stabilizationWindow,
        selectPolicy: "Max",
        policies: policies.length > 0 ? policies : undefined,
    };
}

/** [H] generateEventsUniformDistribution: event i at int(P - (P/n)(i+1) + (P/n)/2) seconds ago. */
function generateEventsUniformDistribution(rawEvents: number[], periodSeconds: number): TimestampedScaleEvent[] {
    const segmentDuration = periodSeconds / rawEvents.length;
    return rawEvents.map((event, idx) => ({
        replicaChange: event,
        timestamp: NOW - Math.trunc(periodSeconds - segmentDuration * (idx + 1) + segmentDuration / 2),
    }));
}

describe("hpa-controller (port of the Kubernetes v1.34 HPA replica computation)", () => {
    describe("constants", () => {
        it("pins the controller defaults: tolerance 0.1 and a 15 s sync period", () => {
            assert.equal(HPA_TOLERANCE, 0.1);
            assert.equal(HPA_SYNC_PERIOD_SECONDS, 15);
        });
    });

    // [H] TestScalingWithRules: convertDesiredReplicasWithBehaviorRate with rules passed through GenerateHPAScale*Rules.
    describe("TestScalingWithRules (convertDesiredReplicasWithBehaviorRate)", () => {
        interface Case {
            name: string;
            current: number;
            desired: number;
            min: number;
            max: number;
            up?: HPAScalingRules;
            down?: HPAScalingRules;
            upEvents?: TimestampedScaleEvent[];
            downEvents?: TimestampedScaleEvent[];
            expected: number;
            reason: string;
            note?: string;
        }
        const ev = generateEventsUniformDistribution;
        const rules = generateScalingRules;
        const cases: Case[] = [
            {
                name: "prenormalized desired replicas within range",
                current: 5,
                desired: 7,
                min: 3,
                max: 8,
                expected: 7,
                reason: "DesiredWithinRange",
            },
            {
                name: "prenormalized desired replicas < minReplicas",
                current: 3,
                desired: 1,
                min: 2,
                max: 8,
                expected: 2,
                reason: "TooFewReplicas",
            },
            {
                name: "prenormalized desired replicas within range when minReplicas is 0",
                current: 1,
                desired: 0,
                min: 0,
                max: 10,
                expected: 0,
                reason: "DesiredWithinRange",
            },
            {
                name: "maxReplicas is the limit because maxReplicas < scaleUpLimit",
                current: 20,
                desired: 1000,
                min: 1,
                max: 10,
                expected: 10,
                reason: "TooManyReplicas",
            },
            {
                name: "desired replica count is more than the maximum replica count",
                current: 100,
                desired: 1000,
                min: 100,
                max: 150,
                expected: 150,
                reason: "TooManyReplicas",
            },
            {
                name: "scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies",
                current: 3,
                desired: 1000,
                min: 1,
                max: 2000,
                up: rules(0, 0, 1, 60, 0),
                expected: 4,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies",
                current: 1000,
                desired: 3,
                min: 3,
                max: 2000,
                down: rules(20, 60, 0, 0, 0),
                expected: 980,
                reason: "ScaleDownLimit",
                note: "marked testThis: true, which makes the v1.28 loop return before asserting; kept with upstream's literal expectation",
            },
            {
                name: "scaleUp with default behavior",
                current: 10,
                desired: 50,
                min: 1,
                max: 1000,
                expected: 20,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleUp with pods policy larger than percent policy",
                current: 10,
                desired: 500,
                min: 1,
                max: 1000,
                up: rules(100, 60, 100, 60, 0),
                expected: 110,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleUp with percent policy larger than pods policy",
                current: 10,
                desired: 500,
                min: 1,
                max: 1000,
                up: rules(2, 60, 100, 60, 0),
                expected: 20,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleUp with spec MaxReplicas limitation with large pod policy",
                current: 10,
                desired: 50,
                min: 1,
                max: 1000,
                up: rules(100, 60, 0, 0, 0),
                expected: 50,
                reason: "DesiredWithinRange",
            },
            {
                name: "scaleUp with spec MaxReplicas limitation with large percent policy",
                current: 10,
                desired: 50,
                min: 1,
                max: 1000,
                up: rules(10000, 60, 0, 0, 0),
                expected: 50,
                reason: "DesiredWithinRange",
            },
            {
                name: "scaleUp with pod policy limitation",
                current: 10,
                desired: 50,
                min: 1,
                max: 1000,
                up: rules(30, 60, 0, 0, 0),
                expected: 40,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleUp with percent policy limitation",
                current: 10,
                desired: 50,
                min: 1,
                max: 1000,
                up: rules(0, 0, 200, 60, 0),
                expected: 30,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleDown with percent policy larger than pod policy",
                current: 100,
                desired: 2,
                min: 1,
                max: 1000,
                down: rules(20, 60, 1, 60, 300),
                expected: 80,
                reason: "ScaleDownLimit",
            },
            {
                name: "scaleDown with pod policy larger than percent policy",
                current: 100,
                desired: 2,
                min: 1,
                max: 1000,
                down: rules(2, 60, 1, 60, 300),
                expected: 98,
                reason: "ScaleDownLimit",
            },
            {
                name: "scaleDown with spec MinReplicas=nil limitation with large pod policy",
                current: 10,
                desired: 0,
                min: 1,
                max: 1000,
                down: rules(100, 60, 0, 0, 300),
                expected: 1,
                reason: "TooFewReplicas",
            },
            {
                name: "scaleDown with spec MinReplicas limitation with large pod policy",
                current: 10,
                desired: 0,
                min: 1,
                max: 1000,
                down: rules(100, 60, 0, 0, 300),
                expected: 1,
                reason: "TooFewReplicas",
            },
            {
                name: "scaleDown with spec MinReplicas limitation with large percent policy",
                current: 10,
                desired: 2,
                min: 5,
                max: 1000,
                down: rules(0, 0, 100, 60, 300),
                expected: 5,
                reason: "TooFewReplicas",
            },
            {
                name: "scaleDown with pod policy limitation",
                current: 10,
                desired: 2,
                min: 1,
                max: 1000,
                down: rules(5, 60, 0, 0, 300),
                expected: 5,
                reason: "ScaleDownLimit",
            },
            {
                name: "scaleDown with percent policy limitation",
                current: 10,
                desired: 5,
                min: 1,
                max: 1000,
                down: rules(0, 0, 50, 60, 300),
                expected: 5,
                reason: "DesiredWithinRange",
            },
            {
                name: "scaleUp with spec MaxReplicas limitation with large pod policy and events",
                upEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 500,
                min: 1,
                max: 200,
                up: rules(300, 60, 0, 0, 0),
                expected: 200,
                reason: "TooManyReplicas",
            },
            {
                name: "scaleUp with spec MaxReplicas limitation with large percent policy and events",
                upEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 500,
                min: 1,
                max: 200,
                up: rules(0, 0, 10000, 60, 0),
                expected: 200,
                reason: "TooManyReplicas",
            },
            {
                name: "scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events",
                upEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 500,
                min: 1,
                max: 1000,
                up: rules(5, 120, 0, 0, 0),
                expected: 100,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleUp with pod policy and previous scale up events",
                upEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 500,
                min: 1,
                max: 1000,
                up: rules(150, 120, 0, 0, 0),
                expected: 235,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleUp with percent policy and previous scale up events",
                upEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 500,
                min: 1,
                max: 1000,
                up: rules(0, 0, 200, 120, 0),
                expected: 255,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleUp with percent policy and previous scale up and down events",
                upEvents: ev([4], 120),
                downEvents: ev([2], 120),
                current: 6,
                desired: 24,
                min: 1,
                max: 1000,
                up: rules(0, 0, 300, 300, 0),
                expected: 16,
                reason: "ScaleUpLimit",
            },
            {
                name: "scaleDown with default policy and previous events",
                downEvents: ev([1, 5, 9], 120),
                current: 10,
                desired: 5,
                min: 1,
                max: 1000,
                expected: 5,
                reason: "DesiredWithinRange",
            },
            {
                name: "scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events",
                downEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 0,
                min: 1,
                max: 1000,
                down: rules(115, 120, 0, 0, 300),
                expected: 1,
                reason: "TooFewReplicas",
            },
            {
                name: "scaleDown with spec MinReplicas limitation with large pod policy and previous events",
                downEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 0,
                min: 5,
                max: 1000,
                down: rules(130, 120, 0, 0, 300),
                expected: 5,
                reason: "TooFewReplicas",
            },
            {
                name: "scaleDown with spec MinReplicas limitation with large percent policy and previous events",
                downEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 2,
                min: 5,
                max: 1000,
                down: rules(0, 0, 100, 120, 300),
                expected: 5,
                reason: "TooFewReplicas",
            },
            {
                name: "scaleDown with pod policy limitation and previous events",
                downEvents: ev([1, 5, 9], 120),
                current: 100,
                desired: 2,
                min: 1,
                max: 1000,
                down: rules(5, 120, 0, 0, 300),
                expected: 100,
                reason: "ScaleDownLimit",
            },
            {
                name: "scaleDown with percent policy limitation and previous events",
                downEvents: ev([2, 4, 6], 120),
                current: 100,
                desired: 0,
                min: 1,
                max: 1000,
                down: rules(0, 0, 50, 120, 300),
                expected: 56,
                reason: "ScaleDownLimit",
            },
            {
                name: "scaleDown with percent policy and previous scale up and down events",
                upEvents: ev([2], 120),
                downEvents: ev([4], 120),
                current: 10,
                desired: 1,
                min: 1,
                max: 1000,
                down: rules(0, 0, 50, 180, 0),
                expected: 6,
                reason: "ScaleDownLimit",
            },
            {
                name: "scaleDown with previous events preventing further scale down",
                downEvents: ev([10, 10, 10], 120),
                current: 100,
                desired: 0,
                min: 1,
                max: 1000,
                down: rules(0, 0, 10, 120, 300),
                expected: 100,
                reason: "ScaleDownLimit",
            },
            {
                name: "scaleDown with with previous events still allowing more scale down",
                downEvents: ev([10, 10, 10], 120),
                current: 10,
                desired: 5,
                min: 1,
                max: 1000,
                down: rules(0, 0, 1000, 120, 300),
                expected: 5,
                reason: "DesiredWithinRange",
            },
            {
                name: "check 'outdated' flag for events for one behavior for up",
                upEvents: ev([8, 12, 9, 11], 120),
                current: 100,
                desired: 200,
                min: 1,
                max: 1000,
                up: rules(1000, 60, 0, 0, 0),
                expected: 200,
                reason: "DesiredWithinRange",
            },
            {
                name: "check that events were not marked 'outdated' for two different policies in the behavior for up",
                upEvents: ev([8, 12, 9, 11], 120),
                current: 100,
                desired: 200,
                min: 1,
                max: 1000,
                up: rules(1000, 120, 100, 60, 0),
                expected: 200,
                reason: "DesiredWithinRange",
            },
            {
                name: "check that events were marked 'outdated' for two different policies in the behavior for up",
                upEvents: ev([8, 12, 9, 11], 120),
                current: 100,
                desired: 200,
                min: 1,
                max: 1000,
                up: rules(1000, 30, 100, 60, 0),
                expected: 200,
                reason: "DesiredWithinRange",
            },
            {
                name: "check 'outdated' flag for events for one behavior for down",
                downEvents: ev([8, 12, 9, 11], 120),
                current: 100,
                desired: 5,
                min: 1,
                max: 1000,
                down: rules(1000, 60, 0, 0, 300),
                expected: 5,
                reason: "DesiredWithinRange",
            },
            {
                name: "check that events were not marked 'outdated' for two different policies in the behavior for down",
                downEvents: ev([8, 12, 9, 11], 120),
                current: 100,
                desired: 5,
                min: 1,
                max: 1000,
                down: rules(1000, 120, 100, 60, 300),
                expected: 5,
                reason: "DesiredWithinRange",
            },
            {
                name: "check that events were marked 'outdated' for two different policies in the behavior for down",
                downEvents: ev([8, 12, 9, 11], 120),
                current: 100,
                desired: 5,
                min: 1,
                max: 1000,
                down: rules(1000, 30, 100, 60, 300),
                expected: 5,
                reason: "DesiredWithinRange",
            },
        ];
        for (const c of cases) {
            it(`${c.name}: ${c.current} -> ${c.desired} gives ${c.expected} (${c.reason})`, () => {
                const got = convertDesiredReplicasWithBehaviorRate(NOW, {
                    currentReplicas: c.current,
                    desiredReplicas: c.desired,
                    minReplicas: c.min,
                    maxReplicas: c.max,
                    scaleUp: generateHPAScaleUpRules(c.up),
                    scaleDown: generateHPAScaleDownRules(c.down),
                    scaleUpEvents: c.upEvents ?? [],
                    scaleDownEvents: c.downEvents ?? [],
                });
                assert.deepEqual(got, { replicas: c.expected, reason: c.reason });
            });
        }
    });

    // [H] TestCalculateScaleUpLimitWithScalingRules / TestCalculateScaleDownLimitWithBehaviors.
    describe("policy limits with selectPolicy Min", () => {
        const minRules: HPAScalingRules = {
            stabilizationWindowSeconds: 300,
            selectPolicy: "Min",
            policies: [
                { type: "Pods", value: 2, periodSeconds: 60 },
                { type: "Percent", value: 50, periodSeconds: 60 },
            ],
        };
        it("TestCalculateScaleUpLimitWithScalingRules: Min of {1+2, ceil(1*1.5)} from 1 replica is 2", () => {
            assert.equal(calculateScaleUpLimitWithScalingRules(NOW, 1, [], [], minRules), 2);
        });
        it("TestCalculateScaleDownLimitWithBehaviors: Min change of {5-2, trunc(5*0.5)} from 5 replicas is 3", () => {
            assert.equal(calculateScaleDownLimitWithBehaviors(NOW, 5, [], [], minRules), 3);
        });
        // Not upstream cases: the float64 formulas of calculateScale{Up,Down}Limit*, which no upstream case pins
        // (reference §9 items 7 and 8): scale-down Percent truncates, and the operation order leaves IEEE artifacts.
        const percent = (value: number): HPAScalingRules => ({
            selectPolicy: "Max",
            policies: [{ type: "Percent", value, periodSeconds: 15 }],
        });
        it("derived: scale-down Percent 50 from 5 replicas truncates int32(2.5) to 2", () => {
            assert.equal(calculateScaleDownLimitWithBehaviors(NOW, 5, [], [], percent(50)), 2);
        });
        it("derived: scale-down Percent 80 from 10 replicas is int32(10 * 0.19999999999999996) = 1", () => {
            assert.equal(calculateScaleDownLimitWithBehaviors(NOW, 10, [], [], percent(80)), 1);
        });
        it("derived: scale-up Percent 12 from 25 replicas is ceil(25 * 1.12) = ceil(28.000000000000004) = 29", () => {
            assert.equal(calculateScaleUpLimitWithScalingRules(NOW, 25, [], [], percent(12)), 29);
        });
    });

    // [H] TestStoreScaleEvents: each case runs once as scale-up (10 -> 10+change) and once as scale-down.
    describe("TestStoreScaleEvents (storeScaleEvent, getReplicasChangePerPeriod)", () => {
        interface Case {
            name: string;
            replicaChange: number;
            prev: TimestampedScaleEvent[];
            next: Array<{ replicaChange: number; outdated: boolean }>;
            rules?: HPAScalingRules;
            expectedReplicasChange: number;
        }
        const at = (replicaChange: number, secondsAgo: number): TimestampedScaleEvent => ({
            replicaChange,
            timestamp: NOW - secondsAgo,
            outdated: false,
        });
        const cases: Case[] = [
            {
                name: "empty entries with default behavior",
                replicaChange: 5,
                prev: [],
                next: [],
                expectedReplicasChange: 0,
            },
            {
                name: "empty entries with two-policy-behavior",
                replicaChange: 5,
                prev: [],
                next: [{ replicaChange: 5, outdated: false }],
                rules: generateScalingRules(10, 60, 100, 60, 0),
                expectedReplicasChange: 0,
            },
            {
                name: "one outdated entry to be kept untouched without behavior",
                replicaChange: 5,
                prev: [at(7, 61)],
                next: [{ replicaChange: 7, outdated: false }],
                expectedReplicasChange: 0,
            },
            {
                name: "one outdated entry to be replaced with behavior",
                replicaChange: 5,
                prev: [at(7, 61)],
                next: [{ replicaChange: 5, outdated: false }],
                rules: generateScalingRules(10, 60, 100, 60, 0),
                expectedReplicasChange: 0,
            },
            {
                name: "one actual entry to be not touched with behavior",
                replicaChange: 5,
                prev: [at(7, 58)],
                next: [
                    { replicaChange: 7, outdated: false },
                    { replicaChange: 5, outdated: false },
                ],
                rules: generateScalingRules(10, 60, 100, 60, 0),
                expectedReplicasChange: 7,
            },
            {
                name: "two entries, one of them to be replaced",
                replicaChange: 5,
                prev: [at(7, 61), at(6, 59)],
                next: [
                    { replicaChange: 5, outdated: false },
                    { replicaChange: 6, outdated: false },
                ],
                rules: generateScalingRules(10, 60, 0, 0, 0),
                expectedReplicasChange: 6,
            },
            {
                name: "replace one entry, use policies with different periods",
                replicaChange: 5,
                prev: [at(8, 29), at(6, 59), at(7, 61), at(9, 61)],
                next: [
                    { replicaChange: 8, outdated: false },
                    { replicaChange: 6, outdated: false },
                    { replicaChange: 7, outdated: true },
                    { replicaChange: 5, outdated: false },
                ],
                rules: generateScalingRules(10, 60, 100, 30, 0),
                expectedReplicasChange: 14,
            },
            {
                name: "two entries, both actual",
                replicaChange: 5,
                prev: [at(7, 58), at(6, 59)],
                next: [
                    { replicaChange: 7, outdated: false },
                    { replicaChange: 6, outdated: false },
                    { replicaChange: 5, outdated: false },
                ],
                rules: generateScalingRules(10, 120, 100, 30, 0),
                expectedReplicasChange: 13,
            },
        ];
        const summary = (events: TimestampedScaleEvent[]) =>
            events.map((e) => ({ replicaChange: e.replicaChange, outdated: e.outdated === true }));
        for (const c of cases) {
            it(`${c.name}: ${c.expectedReplicasChange} replicas changed in the last 60 s, then ${JSON.stringify(c.next.map((e) => e.replicaChange))}`, () => {
                const prevCopy = c.prev.map((e) => ({ ...e }));
                // scale up
                assert.equal(getReplicasChangePerPeriod(NOW, 60, c.prev), c.expectedReplicasChange);
                const up = storeScaleEvent(
                    NOW,
                    c.rules === undefined ? undefined : { scaleUp: c.rules },
                    10,
                    10 + c.replicaChange,
                    c.prev,
                    [],
                );
                assert.deepEqual(summary(up.scaleUpEvents), c.next, "up");
                // scale down
                const down = storeScaleEvent(
                    NOW,
                    c.rules === undefined ? undefined : { scaleDown: c.rules },
                    10,
                    10 - c.replicaChange,
                    [],
                    c.prev,
                );
                assert.deepEqual(summary(down.scaleDownEvents), c.next, "down");
                assert.deepEqual(c.prev, prevCopy, "inputs are not mutated");
            });
        }
    });

    // [H] TestNormalizeDesiredReplicasWithBehavior: stabilizeRecommendationWithBehaviors. Unset windows are Go zero values
    // (0 s), not 300 s. Stored recommendations are compared by value only, as upstream does.
    describe("TestNormalizeDesiredReplicasWithBehavior (stabilizeRecommendationWithBehaviors)", () => {
        interface Case {
            name: string;
            recs: Array<[number, number]>;
            current: number;
            desired: number;
            expected: number;
            expectedRecs?: number[];
            upWindow?: number;
            downWindow?: number;
        }
        const cases: Case[] = [
            {
                name: "empty recommendations for scaling down",
                recs: [],
                current: 100,
                desired: 5,
                expected: 5,
                expectedRecs: [5],
            },
            {
                name: "simple scale down stabilization",
                recs: [
                    [4, 2 * MINUTE],
                    [5, 1 * MINUTE],
                ],
                current: 100,
                desired: 3,
                expected: 5,
                expectedRecs: [4, 5, 3],
                downWindow: 60 * 3,
            },
            {
                name: "simple scale up stabilization",
                recs: [
                    [4, 2 * MINUTE],
                    [5, 1 * MINUTE],
                ],
                current: 1,
                desired: 7,
                expected: 4,
                expectedRecs: [4, 5, 7],
                upWindow: 60 * 5,
            },
            {
                name: "no scale down stabilization",
                recs: [
                    [1, 2 * MINUTE],
                    [2, 1 * MINUTE],
                ],
                current: 100,
                desired: 3,
                expected: 3,
                expectedRecs: [1, 2, 3],
                upWindow: 60 * 5,
            },
            {
                name: "no scale up stabilization",
                recs: [
                    [4, 2 * MINUTE],
                    [5, 1 * MINUTE],
                ],
                current: 1,
                desired: 3,
                expected: 3,
                expectedRecs: [4, 5, 3],
                downWindow: 60 * 5,
            },
            {
                name: "no scale down stabilization, reuse recommendation element",
                recs: [
                    [10, 10 * MINUTE],
                    [9, 9 * MINUTE],
                ],
                current: 100,
                desired: 3,
                expected: 3,
                expectedRecs: [10, 3],
            },
            {
                name: "no scale up stabilization, reuse recommendation element",
                recs: [
                    [10, 10 * MINUTE],
                    [9, 9 * MINUTE],
                ],
                current: 1,
                desired: 100,
                expected: 100,
                expectedRecs: [10, 100],
            },
            {
                name: "scale down stabilization, reuse one of obsolete recommendation element",
                recs: [
                    [10, 10 * MINUTE],
                    [4, 1 * MINUTE],
                    [5, 2 * MINUTE],
                    [9, 9 * MINUTE],
                ],
                current: 100,
                desired: 3,
                expected: 5,
                expectedRecs: [10, 4, 5, 3],
                downWindow: 3 * 60,
            },
            {
                name: "scale up stabilization, reuse one of obsolete recommendation element",
                recs: [
                    [10, 100 * MINUTE],
                    [6, 1 * MINUTE],
                    [5, 2 * MINUTE],
                    [9, 3 * MINUTE],
                ],
                current: 1,
                desired: 100,
                expected: 5,
                expectedRecs: [100, 6, 5, 9],
                upWindow: 300,
            },
            {
                name: "scale up and down stabilization, do not scale up when prenormalized rec goes down",
                recs: [
                    [2, 100 * MINUTE],
                    [3, 3 * MINUTE],
                ],
                current: 2,
                desired: 1,
                expected: 2,
                upWindow: 300,
                downWindow: 300,
            },
            {
                name: "scale up and down stabilization, do not scale down when prenormalized rec goes up",
                recs: [
                    [2, 100 * MINUTE],
                    [1, 3 * MINUTE],
                ],
                current: 2,
                desired: 3,
                expected: 2,
                upWindow: 300,
                downWindow: 300,
            },
        ];
        for (const c of cases) {
            it(`${c.name}: current ${c.current}, raw ${c.desired} -> ${c.expected}`, () => {
                const recs: TimestampedRecommendation[] = c.recs.map(([recommendation, ago]) => ({
                    recommendation,
                    timestamp: NOW - ago,
                }));
                const got = stabilizeRecommendationWithBehaviors(
                    NOW,
                    c.current,
                    c.desired,
                    c.upWindow ?? 0,
                    c.downWindow ?? 0,
                    recs,
                );
                assert.equal(got.replicas, c.expected);
                if (c.expectedRecs !== undefined)
                    assert.deepEqual(
                        got.recommendations.map((r) => r.recommendation),
                        c.expectedRecs,
                    );
                assert.equal(recs.length, c.recs.length, "input history is not mutated");
            });
        }
    });

    // [H] TestNormalizeDesiredReplicas: the legacy stabilizeRecommendation, downscaleStabilisationWindow 5 min.
    describe("TestNormalizeDesiredReplicas (legacy stabilizeRecommendation)", () => {
        const cases: Array<{
            name: string;
            recs: Array<[number, number]>;
            desired: number;
            expected: number;
            logLength: number;
        }> = [
            { name: "empty log", recs: [], desired: 5, expected: 5, logLength: 1 },
            {
                name: "stabilize",
                recs: [
                    [4, 2 * MINUTE],
                    [5, 1 * MINUTE],
                ],
                desired: 3,
                expected: 5,
                logLength: 3,
            },
            {
                name: "no stabilize",
                recs: [
                    [1, 2 * MINUTE],
                    [2, 1 * MINUTE],
                ],
                desired: 3,
                expected: 3,
                logLength: 3,
            },
            {
                name: "no stabilize - old recommendations",
                recs: [
                    [10, 10 * MINUTE],
                    [9, 9 * MINUTE],
                ],
                desired: 3,
                expected: 3,
                logLength: 2,
            },
            {
                name: "stabilize - old recommendations",
                recs: [
                    [10, 10 * MINUTE],
                    [4, 1 * MINUTE],
                    [5, 2 * MINUTE],
                    [9, 9 * MINUTE],
                ],
                desired: 3,
                expected: 5,
                logLength: 4,
            },
        ];
        for (const c of cases) {
            it(`${c.name}: raw ${c.desired} -> ${c.expected}, ${c.logLength} stored`, () => {
                const recs = c.recs.map(([recommendation, ago]) => ({ recommendation, timestamp: NOW - ago }));
                const got = stabilizeRecommendation(NOW, c.desired, recs, 5 * MINUTE);
                assert.equal(got.replicas, c.expected);
                assert.equal(got.recommendations.length, c.logLength);
            });
        }
    });

    // [H] TestConvertDesiredReplicasWithRules. horizontal_test.go init() sets scaleUpLimitFactor = 8, so the tests run
    // with factor 8; case 5's expectation `calculateScaleUpLimit(3)` is therefore max(8*3, 4) = 24 there.
    describe("TestConvertDesiredReplicasWithRules (legacy path, test factor 8)", () => {
        const cases: Array<{
            name: string;
            current: number;
            desired: number;
            min: number;
            max: number;
            expected: number;
            reason: string;
        }> = [
            {
                name: "prenormalized desired replicas within range",
                current: 5,
                desired: 7,
                min: 3,
                max: 8,
                expected: 7,
                reason: "DesiredWithinRange",
            },
            {
                name: "prenormalized desired replicas < minReplicas",
                current: 3,
                desired: 1,
                min: 2,
                max: 8,
                expected: 2,
                reason: "TooFewReplicas",
            },
            {
                name: "prenormalized desired zeroed replicas within range",
                current: 1,
                desired: 0,
                min: 0,
                max: 10,
                expected: 0,
                reason: "DesiredWithinRange",
            },
            {
                name: "maxReplicas is the limit because maxReplicas < scaleUpLimit",
                current: 20,
                desired: 1000,
                min: 1,
                max: 10,
                expected: 10,
                reason: "TooManyReplicas",
            },
            {
                name: "scaleUpLimit is the limit because scaleUpLimit < maxReplicas",
                current: 3,
                desired: 1000,
                min: 1,
                max: 2000,
                expected: 24,
                reason: "ScaleUpLimit",
            },
        ];
        for (const c of cases) {
            it(`${c.name}: ${c.current} -> ${c.desired} gives ${c.expected} (${c.reason})`, () => {
                assert.deepEqual(convertDesiredReplicasWithRules(c.current, c.desired, c.min, c.max, 8), {
                    replicas: c.expected,
                    reason: c.reason,
                });
            });
        }
        it("the production cap is max(2 * current, 4): 3 replicas may grow to 6 (reference §7)", () => {
            assert.deepEqual(convertDesiredReplicasWithRules(3, 1000, 1, 2000), {
                replicas: 6,
                reason: "ScaleUpLimit",
            });
        });
    });

    // [D] TestGenerateScaleDownRules / TestGenerateScaleUpRules.
    describe("TestGenerateScaleDownRules / TestGenerateScaleUpRules (behavior defaulting)", () => {
        interface Case {
            name: string;
            pods?: [number, number];
            percent?: [number, number];
            window?: number;
            select?: "Max" | "Min";
            policies: HPAScalingRules["policies"];
            expectedWindow: number | undefined;
            expectedSelect: string;
        }
        const build = (c: Case): HPAScalingRules => {
            const policies: NonNullable<HPAScalingRules["policies"]> = [];
            if (c.pods) policies.push({ type: "Pods", value: c.pods[0], periodSeconds: c.pods[1] });
            if (c.percent) policies.push({ type: "Percent", value: c.percent[0], periodSeconds: c.percent[1] });
            return {
                stabilizationWindowSeconds: c.window,
                selectPolicy: c.select,
                policies: policies.length > 0 ? policies : undefined,
            };
        };
        const down: Case[] = [
            {
                name: "Default values",
                policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
                expectedWindow: undefined,
                expectedSelect: "Max",
            },
            {
                name: "All parameters are specified",
                pods: [1, 2],
                percent: [3, 4],
                window: 25,
                select: "Max",
                policies: [
                    { type: "Pods", value: 1, periodSeconds: 2 },
                    { type: "Percent", value: 3, periodSeconds: 4 },
                ],
                expectedWindow: 25,
                expectedSelect: "Max",
            },
            {
                name: "Percent policy is specified",
                percent: [1, 2],
                select: "Min",
                policies: [{ type: "Percent", value: 1, periodSeconds: 2 }],
                expectedWindow: undefined,
                expectedSelect: "Min",
            },
            {
                name: "Pods policy is specified",
                pods: [3, 4],
                policies: [{ type: "Pods", value: 3, periodSeconds: 4 }],
                expectedWindow: undefined,
                expectedSelect: "Max",
            },
        ];
        const up: Case[] = [
            {
                name: "Default values",
                policies: [
                    { type: "Pods", value: 4, periodSeconds: 15 },
                    { type: "Percent", value: 100, periodSeconds: 15 },
                ],
                expectedWindow: 0,
                expectedSelect: "Max",
            },
            {
                name: "All parameters are specified",
                pods: [1, 2],
                percent: [3, 4],
                window: 25,
                select: "Max",
                policies: [
                    { type: "Pods", value: 1, periodSeconds: 2 },
                    { type: "Percent", value: 3, periodSeconds: 4 },
                ],
                expectedWindow: 25,
                expectedSelect: "Max",
            },
            {
                name: "Pod policy is specified",
                pods: [1, 2],
                select: "Min",
                policies: [{ type: "Pods", value: 1, periodSeconds: 2 }],
                expectedWindow: 0,
                expectedSelect: "Min",
            },
            {
                name: "Percent policy is specified",
                percent: [7, 10],
                policies: [{ type: "Percent", value: 7, periodSeconds: 10 }],
                expectedWindow: 0,
                expectedSelect: "Max",
            },
            {
                name: "Pod policy and stabilization window are specified",
                pods: [4, 2],
                window: 25,
                policies: [{ type: "Pods", value: 4, periodSeconds: 2 }],
                expectedWindow: 25,
                expectedSelect: "Max",
            },
            {
                name: "Percent policy and stabilization window are specified",
                percent: [7, 60],
                window: 25,
                policies: [{ type: "Percent", value: 7, periodSeconds: 60 }],
                expectedWindow: 25,
                expectedSelect: "Max",
            },
        ];
        for (const c of down) {
            it(`scale down, ${c.name}: window ${String(c.expectedWindow)}, ${c.expectedSelect}, ${JSON.stringify(c.policies)}`, () => {
                const got = generateHPAScaleDownRules(build(c));
                assert.deepEqual(got.policies, c.policies);
                assert.equal(got.stabilizationWindowSeconds, c.expectedWindow);
                assert.equal(got.selectPolicy, c.expectedSelect);
            });
        }
        for (const c of up) {
            it(`scale up, ${c.name}: window ${String(c.expectedWindow)}, ${c.expectedSelect}, ${JSON.stringify(c.policies)}`, () => {
                const got = generateHPAScaleUpRules(build(c));
                assert.deepEqual(got.policies, c.policies);
                assert.equal(got.stabilizationWindowSeconds, c.expectedWindow);
                assert.equal(got.selectPolicy, c.expectedSelect);
            });
        }
        it("a nil behavior stays nil (legacy path); an empty one gets both defaults and the flag's 300 s scale-down window", () => {
            assert.equal(setDefaultsHorizontalPodAutoscalerBehavior(undefined), undefined);
            const defaulted = maybeInitScaleDownStabilizationWindow(
                setDefaultsHorizontalPodAutoscalerBehavior({}) ?? {},
            );
            assert.deepEqual(defaulted, {
                scaleUp: {
                    stabilizationWindowSeconds: 0,
                    selectPolicy: "Max",
                    policies: [
                        { type: "Pods", value: 4, periodSeconds: 15 },
                        { type: "Percent", value: 100, periodSeconds: 15 },
                    ],
                },
                scaleDown: {
                    stabilizationWindowSeconds: 300,
                    selectPolicy: "Max",
                    policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
                },
            });
        });
    });

    // [R] replica_calculator_test.go. The fake pod lister makes `currentReplicas` pods (or len(podPhase)), Running and
    // Ready unless stated, StartTime the Go zero time unless stated, Ready lastTransitionTime zero; each pod has two
    // containers that both request `requests[i]` and both report `levels[i]` (makePodMetricLevels), so per pod the
    // request and the usage are twice the listed value. Samples carry the zero timestamp and a 1 min window.
    // Test calculator settings: tolerance 0.1, CPU initialization period 2 min, initial readiness delay 10 s.
    // hotCPUCreationTime() = now, coolCPUCreationTime() = now - 3 min.
    describe("replica calculator (replica_calculator_test.go)", () => {
        const calc: ReplicaCalculatorConfig = {
            tolerances: { scaleDown: 0.1, scaleUp: 0.1 },
            cpuInitializationPeriodSeconds: 2 * MINUTE,
            delayOfInitialReadinessStatusSeconds: 10,
        };
        const HOT = NOW;
        const COOL = NOW - 3 * MINUTE;
        interface Fake {
            current: number;
            readiness?: boolean[];
            startTime?: number[];
            phase?: Array<PodInfo["phase"]>;
            deleting?: boolean[];
            requests?: number[];
            levels: number[];
        }
        function fakePods(f: Fake): PodInfo[] {
            const count = Math.max(f.current, f.phase?.length ?? 0);
            return Array.from({ length: count }, (_, i) => ({
                name: `test-pod-${i}`,
                phase: f.phase?.[i] ?? "Running",
                deleting: f.deleting?.[i] ?? false,
                ready: f.readiness?.[i] ?? true,
                readyLastTransitionTime: GO_ZERO_TIME_SECONDS,
                startTime: f.startTime?.[i] ?? GO_ZERO_TIME_SECONDS,
                request: f.requests !== undefined && i < f.requests.length ? 2 * f.requests[i] : undefined,
            }));
        }
        function fakeSamples(levels: number[], perContainer: number): Map<string, PodMetric> {
            return new Map(
                levels.map((level, i) => [
                    `test-pod-${i}`,
                    { value: perContainer * level, timestamp: GO_ZERO_TIME_SECONDS, window: MINUTE },
                ]),
            );
        }
        const ones = (n: number) => Array.from({ length: n }, () => 1000);

        const resourceCases: Array<
            Fake & { name: string; target: number; expected: number; utilization: number; raw: number }
        > = [
            {
                name: "TestReplicaCalcScaleUp",
                current: 3,
                requests: ones(3),
                levels: [300, 500, 700],
                target: 30,
                expected: 5,
                utilization: 50,
                raw: 2 * 500,
            },
            {
                name: "TestReplicaCalcScaleUpUnreadyLessScale",
                current: 3,
                readiness: [false, true, true],
                requests: ones(3),
                levels: [300, 500, 700],
                target: 30,
                expected: 4,
                utilization: 60,
                raw: 2 * 600,
            },
            {
                name: "TestReplicaCalcScaleUpHotCpuLessScale",
                current: 3,
                startTime: [HOT, COOL, COOL],
                requests: ones(3),
                levels: [300, 500, 700],
                target: 30,
                expected: 4,
                utilization: 60,
                raw: 2 * 600,
            },
            {
                name: "TestReplicaCalcScaleUpUnreadyNoScale",
                current: 3,
                readiness: [true, false, false],
                requests: ones(3),
                levels: [400, 500, 700],
                target: 30,
                expected: 3,
                utilization: 40,
                raw: 2 * 400,
            },
            {
                name: "TestReplicaCalcScaleHotCpuNoScale",
                current: 3,
                readiness: [true, false, false],
                startTime: [COOL, HOT, HOT],
                requests: ones(3),
                levels: [400, 500, 700],
                target: 30,
                expected: 3,
                utilization: 40,
                raw: 2 * 400,
            },
            {
                name: "TestReplicaCalcScaleUpIgnoresFailedPods",
                current: 2,
                readiness: [true, true, false, false],
                phase: ["Running", "Running", "Failed", "Failed"],
                requests: ones(4),
                levels: [500, 700],
                target: 30,
                expected: 4,
                utilization: 60,
                raw: 2 * 600,
            },
            {
                name: "TestReplicaCalcScaleUpIgnoresDeletionPods",
                current: 2,
                readiness: [true, true, false, false],
                phase: ["Running", "Running", "Running", "Running"],
                deleting: [false, false, true, true],
                requests: ones(4),
                levels: [500, 700],
                target: 30,
                expected: 4,
                utilization: 60,
                raw: 2 * 600,
            },
            {
                name: "TestReplicaCalcScaleDown",
                current: 5,
                requests: ones(5),
                levels: [100, 300, 500, 250, 250],
                target: 50,
                expected: 3,
                utilization: 28,
                raw: 2 * 280,
            },
            {
                name: "TestReplicaCalcScaleDownExcludeUnreadyPods",
                current: 5,
                readiness: [true, true, true, false, false],
                requests: ones(5),
                levels: [100, 300, 500, 250, 250],
                target: 50,
                expected: 2,
                utilization: 30,
                raw: 2 * 300,
            },
            {
                name: "TestReplicaCalcScaleDownExcludeUnscheduledPods",
                current: 5,
                readiness: [true, false, false, false, false],
                phase: ["Running", "Pending", "Pending", "Pending", "Pending"],
                requests: ones(5),
                levels: [100],
                target: 50,
                expected: 1,
                utilization: 10,
                raw: 2 * 100,
            },
            {
                name: "TestReplicaCalcScaleDownIgnoreHotCpuPods",
                current: 5,
                startTime: [COOL, COOL, COOL, HOT, HOT],
                requests: ones(5),
                levels: [100, 300, 500, 250, 250],
                target: 50,
                expected: 2,
                utilization: 30,
                raw: 2 * 300,
            },
            {
                name: "TestReplicaCalcScaleDownIgnoresFailedPods",
                current: 5,
                readiness: [true, true, true, true, true, false, false],
                phase: ["Running", "Running", "Running", "Running", "Running", "Failed", "Failed"],
                requests: ones(7),
                levels: [100, 300, 500, 250, 250],
                target: 50,
                expected: 3,
                utilization: 28,
                raw: 2 * 280,
            },
            {
                name: "TestReplicaCalcTolerance (ratio 1.02 keeps the count)",
                current: 3,
                requests: [900, 1000, 1100],
                levels: [1010, 1030, 1020],
                target: 100,
                expected: 3,
                utilization: 102,
                raw: 2 * 1020,
            },
            {
                name: "TestReplicaCalcSuperfluousMetrics",
                current: 4,
                requests: ones(4),
                levels: [4000, 9500, 3000, 7000, 3200, 2000],
                target: 100,
                expected: 24,
                utilization: 587,
                raw: 2 * 5875,
            },
            {
                name: "TestReplicaCalcMissingMetrics",
                current: 4,
                requests: ones(4),
                levels: [400, 95],
                target: 100,
                expected: 3,
                utilization: 24,
                raw: 495,
            },
            {
                name: "TestReplicaCalcMissingMetricsNoChangeEq",
                current: 2,
                requests: ones(2),
                levels: [1000],
                target: 100,
                expected: 2,
                utilization: 100,
                raw: 2 * 1000,
            },
            {
                name: "TestReplicaCalcMissingMetricsNoChangeGt",
                current: 2,
                requests: ones(2),
                levels: [1900],
                target: 100,
                expected: 2,
                utilization: 190,
                raw: 2 * 1900,
            },
            {
                name: "TestReplicaCalcMissingMetricsNoChangeLt",
                current: 2,
                requests: ones(2),
                levels: [600],
                target: 100,
                expected: 2,
                utilization: 60,
                raw: 2 * 600,
            },
            {
                name: "TestReplicaCalcMissingMetricsUnreadyChange",
                current: 3,
                readiness: [false, true, true],
                requests: ones(3),
                levels: [100, 450],
                target: 50,
                expected: 3,
                utilization: 45,
                raw: 2 * 450,
            },
            {
                name: "TestReplicaCalcMissingMetricsHotCpuNoChange",
                current: 3,
                startTime: [HOT, COOL, COOL],
                requests: ones(3),
                levels: [100, 450],
                target: 50,
                expected: 3,
                utilization: 45,
                raw: 2 * 450,
            },
            {
                name: "TestReplicaCalcMissingMetricsUnreadyScaleUp",
                current: 3,
                readiness: [false, true, true],
                requests: ones(3),
                levels: [100, 2000],
                target: 50,
                expected: 4,
                utilization: 200,
                raw: 2 * 2000,
            },
            {
                name: "TestReplicaCalcMissingMetricsHotCpuScaleUp",
                current: 3,
                readiness: [false, true, true],
                startTime: [HOT, COOL, COOL],
                requests: ones(3),
                levels: [100, 2000],
                target: 50,
                expected: 4,
                utilization: 200,
                raw: 2 * 2000,
            },
            {
                name: "TestReplicaCalcMissingMetricsUnreadyScaleDown",
                current: 4,
                readiness: [false, true, true, true],
                requests: ones(4),
                levels: [100, 100, 100],
                target: 50,
                expected: 3,
                utilization: 10,
                raw: 2 * 100,
            },
            {
                name: "TestReplicaCalcMissingMetricsScaleDownTargetOver100",
                current: 4,
                readiness: [false, true, true, true],
                requests: [1000, 1000, 2000, 2000],
                levels: [200, 100, 100],
                target: 300,
                expected: 2,
                utilization: 6,
                raw: 2 * 100,
            },
            {
                name: "TestReplicaCalcDuringRollingUpdateWithMaxSurge",
                current: 2,
                phase: ["Running", "Running", "Running"],
                requests: ones(3),
                levels: [100, 100],
                target: 50,
                expected: 2,
                utilization: 10,
                raw: 2 * 100,
            },
        ];
        for (const c of resourceCases) {
            it(`${c.name}: CPU utilization target ${c.target}% from ${c.current} replicas gives ${c.expected} (utilization ${c.utilization}%)`, () => {
                const got = getResourceReplicas(
                    NOW,
                    calc,
                    c.current,
                    c.target,
                    "cpu",
                    fakePods(c),
                    fakeSamples(c.levels, 2),
                );
                assert.deepEqual(got, { replicaCount: c.expected, utilization: c.utilization, rawUtilization: c.raw });
            });
        }

        // Upstream's removeMetricsForPods deletes from the map it is given; the port must leave the caller's
        // samples as they were (simulator/run.ts and report.ts pass the same map on), on every path.
        it("the caller's samples are left as they were, on the fast and the slow path", () => {
            for (const c of resourceCases) {
                const samples = fakeSamples(c.levels, 2);
                getResourceReplicas(NOW, calc, c.current, c.target, "cpu", fakePods(c), samples);
                assert.deepEqual(samples, fakeSamples(c.levels, 2), c.name);
            }
        });
        // simulator/run.ts passes the calculator frozen pod lists, reused until a pod changes (the calculator
        // keeps its requests map per frozen list), and PodSamples instead of a Map. Upstream's cases must
        // give upstream's answers that way too, and a list that is not frozen must be read afresh.
        /** `samples` as run.ts's observe gives them: a PodSamples over `pods` (it holds listed pods' samples only). */
        function podSamples(pods: readonly PodInfo[], samples: ReadonlyMap<string, PodMetric>): PodSamples {
            const index = new Map(pods.map((pod, i) => [pod.name, i]));
            const result = new PodSamples(pods, index);
            for (const [name, metric] of samples)
                result.put(index.get(name)!, metric.value, metric.timestamp, metric.window);
            return result;
        }
        const frozen = (pods: PodInfo[]): readonly PodInfo[] => Object.freeze(pods.map((pod) => Object.freeze(pod)));
        it("gives upstream's answers for frozen pod lists, on the first and a later call, and with PodSamples", () => {
            for (const c of resourceCases) {
                const pods = frozen(fakePods(c));
                const expected = { replicaCount: c.expected, utilization: c.utilization, rawUtilization: c.raw };
                for (const call of ["first", "later"]) {
                    assert.deepEqual(
                        getResourceReplicas(NOW, calc, c.current, c.target, "cpu", pods, fakeSamples(c.levels, 2)),
                        expected,
                        `${c.name}, ${call} call`,
                    );
                    // TestReplicaCalcSuperfluousMetrics has samples of pods the list lacks, which observe never makes.
                    if (c.levels.length > pods.length) continue;
                    assert.deepEqual(
                        getResourceReplicas(
                            NOW,
                            calc,
                            c.current,
                            c.target,
                            "cpu",
                            pods,
                            podSamples(pods, fakeSamples(c.levels, 2)),
                        ),
                        expected,
                        `${c.name}, ${call} call, PodSamples`,
                    );
                }
            }
            for (const c of plainCases) {
                const pods = frozen(fakePods(c));
                for (const samples of [fakeSamples(c.levels, 1), podSamples(pods, fakeSamples(c.levels, 1))]) {
                    assert.deepEqual(
                        calcPlainMetricReplicas(NOW, calc, samples, c.current, c.target, pods, ""),
                        { replicaCount: c.expected, usage: c.usage },
                        c.name,
                    );
                }
            }
        });
        it("reads a pod list that is not frozen afresh at every call: a changed request changes the answer", () => {
            const pods = fakePods({ current: 2, requests: [500, 500], levels: [] });
            const samples = fakeSamples([500, 500], 2);
            // 2 x 1000m used of 2 x 1000m requested: 100% against a 50% target doubles the count.
            assert.deepEqual(getResourceReplicas(NOW, calc, 2, 50, "cpu", pods, samples), {
                replicaCount: 4,
                utilization: 100,
                rawUtilization: 1000,
            });
            (pods[0] as { request?: number }).request = 3000;
            pods[1] = { ...pods[1], request: 3000 };
            // 2000m of 6000m: 33%, ratio 0.66, ceil(0.66 x 2) = 2.
            assert.deepEqual(getResourceReplicas(NOW, calc, 2, 50, "cpu", pods, samples), {
                replicaCount: 2,
                utilization: 33,
                rawUtilization: 1000,
            });
        });
        it("PodSamples reads as the Map of the same samples: get, has, size, and iteration in the list's order", () => {
            const pods = fakePods({ current: 4, levels: [] });
            const sample = (value: number): PodMetric => ({ value, timestamp: NOW - MINUTE, window: MINUTE });
            const map = new Map([
                ["test-pod-0", sample(1)],
                ["test-pod-2", sample(3)],
                ["test-pod-3", sample(4)],
            ]);
            const samples = podSamples(pods, map);
            assert.equal(samples.size, 3);
            for (const name of [...pods.map((pod) => pod.name), "another-pod"]) {
                assert.deepEqual(samples.get(name), map.get(name), name);
                assert.equal(samples.has(name), map.has(name), name);
            }
            assert.deepEqual([...samples], [...map]);
            assert.deepEqual([...samples.keys()], ["test-pod-0", "test-pod-2", "test-pod-3"]);
            assert.deepEqual([...samples.values()], [...map.values()]);
            const visited: string[] = [];
            samples.forEach((metric, name) => visited.push(`${name}=${metric.value}`));
            assert.deepEqual(visited, ["test-pod-0=1", "test-pod-2=3", "test-pod-3=4"]);
            samples.put(2, 30);
            assert.equal(samples.size, 3, "a second sample for a pod replaces its first, as Map.set does");
            assert.equal(samples.get("test-pod-2")?.value, 30);
            // The next sync (run.ts observe): cleared, then refilled; a pod without a sample now has none.
            samples.clear();
            assert.equal(samples.size, 0);
            samples.put(1, 20, 7, 60);
            assert.deepEqual([...samples], [["test-pod-1", { value: 20, timestamp: 7, window: 60 }]]);
            assert.equal(samples.get("test-pod-2"), undefined);
            assert.equal(samples.has("test-pod-0"), false);
        });
        it("TestReplicaCalcEmptyCPURequest: a pod without a CPU request is an error", () => {
            assert.throws(
                () =>
                    getResourceReplicas(
                        NOW,
                        calc,
                        1,
                        100,
                        "cpu",
                        fakePods({ current: 1, requests: [], levels: [200] }),
                        fakeSamples([200], 2),
                    ),
                /missing request for/,
            );
        });
        it("TestReplicaCalcDisjointResourcesMetrics: samples for unknown pods only is an error", () => {
            const samples = new Map([
                ["an-older-pod-name", { value: 200, timestamp: GO_ZERO_TIME_SECONDS, window: MINUTE }],
            ]);
            assert.throws(
                () =>
                    getResourceReplicas(
                        NOW,
                        calc,
                        1,
                        100,
                        "cpu",
                        fakePods({ current: 1, requests: [1000], levels: [100] }),
                        samples,
                    ),
                /no metrics returned matched known pods/,
            );
        });

        // Pods metrics (calcPlainMetricReplicas via GetMetricReplicas): one value per pod, no CPU readiness rules.
        const plainCases: Array<Fake & { name: string; target: number; expected: number; usage: number }> = [
            {
                name: "TestReplicaCalcScaleUpCM",
                current: 3,
                levels: [20000, 10000, 30000],
                target: 15000,
                expected: 4,
                usage: 20000,
            },
            {
                name: "TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale",
                current: 3,
                readiness: [true, true, false],
                startTime: [COOL, COOL, HOT],
                levels: [50000, 10000, 30000],
                target: 15000,
                expected: 6,
                usage: 30000,
            },
            {
                name: "TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown",
                current: 3,
                readiness: [false, true, false],
                startTime: [HOT, COOL, HOT],
                levels: [50000, 15000, 30000],
                target: 15000,
                expected: 7,
                usage: 31666,
            },
            {
                name: "TestReplicaCalcScaleDownCM",
                current: 5,
                levels: [12000, 12000, 12000, 12000, 12000],
                target: 20000,
                expected: 3,
                usage: 12000,
            },
            {
                name: "TestReplicaCalcToleranceCM",
                current: 3,
                levels: [20000, 21000, 21000],
                target: 20000,
                expected: 3,
                usage: 20666,
            },
            {
                name: "TestPlainMetricReplicaCalcMissingMetricsNoChangeEq",
                current: 5,
                levels: [20000, 19000, 21000],
                target: 20000,
                expected: 5,
                usage: 20000,
            },
            {
                name: "TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM",
                current: 2,
                phase: ["Running", "Running", "Running"],
                levels: [10000, 10000],
                target: 17000,
                expected: 2,
                usage: 10000,
            },
        ];
        for (const c of plainCases) {
            it(`${c.name}: AverageValue ${c.target}m per pod from ${c.current} replicas gives ${c.expected} (average ${c.usage}m)`, () => {
                const got = calcPlainMetricReplicas(
                    NOW,
                    calc,
                    fakeSamples(c.levels, 1),
                    c.current,
                    c.target,
                    fakePods(c),
                    "",
                );
                assert.deepEqual(got, { replicaCount: c.expected, usage: c.usage });
            });
        }

        // Object and External metrics with a Value target (getUsageRatioReplicaCount, ready pods listed).
        const valueCases: Array<{
            name: string;
            current: number;
            readiness?: boolean[];
            value: number;
            target: number;
            expected: number;
        }> = [
            { name: "TestReplicaCalcScaleUpCMObject", current: 3, value: 20000, target: 15000, expected: 4 },
            {
                name: "TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods",
                current: 3,
                readiness: [false, true, false],
                value: 50000,
                target: 10000,
                expected: 5,
            },
            {
                name: "TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods",
                current: 3,
                readiness: [false, true, false],
                value: 8600,
                target: 4400,
                expected: 2,
            },
            { name: "TestReplicaCalcScaleDownCMObject", current: 5, value: 12000, target: 20000, expected: 3 },
            { name: "TestReplicaCalcScaleDownCMExternal", current: 5, value: 8600, target: 14334, expected: 3 },
            { name: "TestReplicaCalcToleranceCMObject", current: 3, value: 20666, target: 20000, expected: 3 },
            { name: "TestReplicaCalcToleranceCMExternal", current: 3, value: 8600, target: 8888, expected: 3 },
        ];
        for (const c of valueCases) {
            it(`${c.name}: value ${c.value}m against ${c.target}m from ${c.current} replicas gives ${c.expected}`, () => {
                const pods = fakePods({ current: c.current, readiness: c.readiness, levels: [] });
                assert.equal(getUsageRatioReplicaCount(calc, c.current, c.value / c.target, pods), c.expected);
            });
        }

        // Object and External metrics with an AverageValue target (GetObjectPerPodMetricReplicas / GetExternalPerPodMetricReplicas).
        const perPodCases: Array<{
            name: string;
            status: number;
            value: number;
            target: number;
            expected: number;
            usage: number;
        }> = [
            {
                name: "TestReplicaCalcScaleUpCMPerPodObject",
                status: 3,
                value: 20000,
                target: 5000,
                expected: 4,
                usage: 6667,
            },
            {
                name: "TestReplicaCalcScaleDownPerPodCMObject",
                status: 5,
                value: 6000,
                target: 2000,
                expected: 3,
                usage: 1200,
            },
            {
                name: "TestReplicaCalcTolerancePerPodCMObject",
                status: 4,
                value: 20166,
                target: 5000,
                expected: 4,
                usage: 5042,
            },
            {
                name: "TestReplicaCalcScaleUpPerPodCMExternal",
                status: 3,
                value: 8600,
                target: 2150,
                expected: 4,
                usage: 2867,
            },
            {
                name: "TestReplicaCalcScaleDownPerPodCMExternal",
                status: 5,
                value: 8600,
                target: 2867,
                expected: 3,
                usage: 1720,
            },
            {
                name: "TestReplicaCalcTolerancePerPodCMExternal",
                status: 3,
                value: 8600,
                target: 2900,
                expected: 3,
                usage: 2867,
            },
        ];
        for (const c of perPodCases) {
            it(`${c.name}: ${c.value}m over ${c.status} replicas against ${c.target}m per pod gives ${c.expected} (${c.usage}m per pod)`, () => {
                assert.deepEqual(getPerPodMetricReplicas(calc, c.status, c.target, c.value), {
                    replicaCount: c.expected,
                    usage: c.usage,
                });
            });
        }

        // [R34] The 1.33+ cases of per-direction tolerances (KEP-4951): TestReplicaCalcConfigurableTolerance and its CM,
        // CMObject, PerPodCMObject, CMExternal and PerPodCMExternal siblings, transcribed with upstream's literals. Each sets
        // `tolerances: &Tolerances{scaleDown, scaleUp}` on the test case (upstream's helper passes them straight to the
        // calculator; on a 1.34 cluster only the HPAConfigurableTolerance gate would let an HPA set them).
        describe("1.33+ per-direction tolerances (TestReplicaCalcConfigurableTolerance*)", () => {
            const withTolerances = (scaleDown: number, scaleUp: number): ReplicaCalculatorConfig => ({
                ...calc,
                tolerances: { scaleDown, scaleUp },
            });
            const uneven = [900, 1000, 1100];
            // `raw` is upstream's expectedValue, numContainersPerPod (2) x the listed value.
            const cases: Array<{
                name: string;
                tolerances: [number, number];
                levels: number[];
                expected: number;
                utilization: number;
                raw: number;
            }> = [
                {
                    name: "Outside of a 0% tolerance",
                    tolerances: [0, 0],
                    levels: [909, 1010, 1111],
                    expected: 4,
                    utilization: 101,
                    raw: 2 * 1010,
                },
                {
                    name: "Within a 200% scale-up tolerance",
                    tolerances: [0.1, 2],
                    levels: [1890, 1910, 1900],
                    expected: 3,
                    utilization: 190,
                    raw: 2 * 1900,
                },
                {
                    name: "Outside 8% scale-up tolerance (and superfuous scale-down tolerance)",
                    tolerances: [2, 0.08],
                    levels: [1100, 1080, 1090],
                    expected: 4,
                    utilization: 109,
                    raw: 2 * 1090,
                },
                {
                    name: "Within a 36% scale-down tolerance",
                    tolerances: [0.36, 0.1],
                    levels: [660, 640, 650],
                    expected: 3,
                    utilization: 65,
                    raw: 2 * 650,
                },
                {
                    name: "Outside a 34% scale-down tolerance",
                    tolerances: [0.34, 0.1],
                    levels: [660, 640, 650],
                    expected: 2,
                    utilization: 65,
                    raw: 2 * 650,
                },
            ];
            for (const c of cases) {
                it(`${c.name}: down ${c.tolerances[0]}, up ${c.tolerances[1]}, utilization ${c.utilization}% of 100% from 3 replicas gives ${c.expected}`, () => {
                    const f = { current: 3, requests: uneven, levels: c.levels };
                    const got = getResourceReplicas(
                        NOW,
                        withTolerances(...c.tolerances),
                        3,
                        100,
                        "cpu",
                        fakePods(f),
                        fakeSamples(c.levels, 2),
                    );
                    assert.deepEqual(got, {
                        replicaCount: c.expected,
                        utilization: c.utilization,
                        rawUtilization: c.raw,
                    });
                });
            }
            const upOnePercent = withTolerances(0.1, 0.01);
            it("TestReplicaCalcConfigurableToleranceCM: a 1% scale-up tolerance scales 20666m against 20000m per pod from 3 to 4", () => {
                const f = { current: 3, levels: [20000, 21000, 21000] };
                assert.deepEqual(
                    calcPlainMetricReplicas(NOW, upOnePercent, fakeSamples(f.levels, 1), 3, 20000, fakePods(f), ""),
                    { replicaCount: 4, usage: 20666 },
                );
            });
            it("TestReplicaCalcConfigurableToleranceCMObject: value 20666m against 20000m from 3 replicas gives 4", () => {
                assert.equal(
                    getUsageRatioReplicaCount(upOnePercent, 3, 20666 / 20000, fakePods({ current: 3, levels: [] })),
                    4,
                );
            });
            it("TestReplicaCalcConfigurableTolerancePerPodCMObject: 20208m over 4 replicas against 5000m per pod gives 5 (5052m per pod)", () => {
                assert.deepEqual(getPerPodMetricReplicas(upOnePercent, 4, 5000, 20208), {
                    replicaCount: 5,
                    usage: 5052,
                });
            });
            it("TestReplicaCalcConfigurableToleranceCMExternal: value 8900m against 8800m from 3 replicas gives 4", () => {
                assert.equal(
                    getUsageRatioReplicaCount(upOnePercent, 3, 8900 / 8800, fakePods({ current: 3, levels: [] })),
                    4,
                );
            });
            it("TestReplicaCalcConfigurableTolerancePerPodCMExternal: 8600m over 3 replicas against 2800m per pod gives 4 (2867m per pod)", () => {
                assert.deepEqual(getPerPodMetricReplicas(upOnePercent, 3, 2800, 8600), {
                    replicaCount: 4,
                    usage: 2867,
                });
            });
        });

        // Not upstream cases: the tolerance test of replica_calculator.go at chosen ratios.
        it("derived: a 1.05 ratio (105% vs 100%) keeps 4 replicas, inside the 0.1 tolerance", () => {
            const f = { current: 4, requests: ones(4), levels: [1050, 1050, 1050, 1050] };
            assert.equal(
                getResourceReplicas(NOW, calc, 4, 100, "cpu", fakePods(f), fakeSamples(f.levels, 2)).replicaCount,
                4,
            );
        });
        // Replaces the v1.28 case "a ratio of exactly 1.1 scales 10 -> 11" (|1 - 1.1| = 0.10000000000000009 > 0.1): from
        // 1.33 the test is `ratio <= 1 + 0.1`, and 1.1 <= 1.1 holds, so 1.34 keeps 10.
        it("derived (1.33+): a ratio of exactly 1.1 (55% vs 50%) keeps 10 replicas, since 1.1 <= 1 + 0.1", () => {
            const f = { current: 10, requests: ones(10), levels: Array.from({ length: 10 }, () => 550) };
            assert.equal(
                getResourceReplicas(NOW, calc, 10, 50, "cpu", fakePods(f), fakeSamples(f.levels, 2)).replicaCount,
                10,
            );
        });
        it("derived: a ratio of exactly 0.9 (45% vs 50%) keeps 10 replicas, as in 1.28", () => {
            const f = { current: 10, requests: ones(10), levels: Array.from({ length: 10 }, () => 450) };
            assert.equal(
                getResourceReplicas(NOW, calc, 10, 50, "cpu", fakePods(f), fakeSamples(f.levels, 2)).replicaCount,
                10,
            );
        });
        it("derived: AverageValue 1.05 (21000m vs 20000m per pod) keeps 4 replicas", () => {
            const f = { current: 4, levels: [21000, 21000, 21000, 21000] };
            assert.equal(
                calcPlainMetricReplicas(NOW, calc, fakeSamples(f.levels, 1), 4, 20000, fakePods(f), "").replicaCount,
                4,
            );
        });
    });

    // horizontal.go tolerancesForHpa and pkg/features/kube_features.go: HPAConfigurableTolerance is Alpha (off) in 1.34.
    describe("tolerancesForHpa (HPAConfigurableTolerance off in 1.34)", () => {
        const behavior = { scaleUp: { tolerance: 0.05 }, scaleDown: { tolerance: 0.2 } };
        it("with the gate off (1.34's default) both directions take the controller flag, whatever the behavior says", () => {
            assert.deepEqual(tolerancesForHpa(behavior, { tolerance: 0.1 }), { scaleDown: 0.1, scaleUp: 0.1 });
        });
        it("with the gate on each direction's behavior tolerance overrides the flag; an unset one keeps it", () => {
            assert.deepEqual(tolerancesForHpa(behavior, { tolerance: 0.1, configurableTolerance: true }), {
                scaleDown: 0.2,
                scaleUp: 0.05,
            });
            assert.deepEqual(
                tolerancesForHpa({ scaleUp: { tolerance: 0.05 } }, { tolerance: 0.1, configurableTolerance: true }),
                { scaleDown: 0.1, scaleUp: 0.05 },
            );
        });
    });

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
