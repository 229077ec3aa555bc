// Checks simulator/hpa/behavior.ts against the Kubernetes HPA controller's own test tables (sources: tests/helpers/hpa-upstream.ts).
import { strict as assert } from "assert";
import {
    HPAScalingRules,
    TimestampedRecommendation,
    TimestampedScaleEvent,
    calculateScaleDownLimitWithBehaviors,
    calculateScaleUpLimitWithScalingRules,
    convertDesiredReplicasWithBehaviorRate,
    convertDesiredReplicasWithRules,
    generateHPAScaleDownRules,
    generateHPAScaleUpRules,
    getReplicasChangePerPeriod,
    maybeInitScaleDownStabilizationWindow,
    setDefaultsHorizontalPodAutoscalerBehavior,
    stabilizeRecommendation,
    stabilizeRecommendationWithBehaviors,
    storeScaleEvent,
} from "../../../simulator/hpa";
import { NOW, MINUTE, generateScalingRules, generateEventsUniformDistribution } from "../../helpers/hpa-upstream";

describe("the HPA port: behavior (defaults.go, horizontal.go stabilization, scale events, rate limits)", () => {
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
});
