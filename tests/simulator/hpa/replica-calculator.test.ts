// Checks simulator/hpa/replica-calculator.ts against the Kubernetes HPA controller's own test tables (sources: tests/helpers/hpa-upstream.ts).
import { strict as assert } from "assert";
import {
    GO_ZERO_TIME_SECONDS,
    PodInfo,
    PodMetric,
    ReplicaCalculatorConfig,
    calcPlainMetricReplicas,
    getPerPodMetricReplicas,
    getResourceReplicas,
    getUsageRatioReplicaCount,
    tolerancesForHpa,
} from "../../../simulator/hpa";
import { MINUTE, NOW, podSamplesOf } from "../../helpers/hpa-upstream";

describe("the HPA port: replica calculator (replica_calculator.go, tolerances)", () => {
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
                            podSamplesOf(pods, fakeSamples(c.levels, 2)),
                        ),
                        expected,
                        `${c.name}, ${call} call, PodSamples`,
                    );
                }
            }
            for (const c of plainCases) {
                const pods = frozen(fakePods(c));
                for (const samples of [fakeSamples(c.levels, 1), podSamplesOf(pods, fakeSamples(c.levels, 1))]) {
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
});
