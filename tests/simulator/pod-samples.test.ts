// simulator/pod-samples.ts: one sync's samples of a pod list, read by the replica calculator as the
// Map by pod name it stands in for (its use by the calculator: tests/simulator/hpa/replica-calculator.test.ts).
import { strict as assert } from "assert";
import type { PodInfo, PodMetric } from "../../simulator/hpa";
import { podSamplesOf } from "../helpers/hpa-upstream";

const POD_NAMES = ["test-pod-0", "test-pod-1", "test-pod-2", "test-pod-3"];
const PODS: readonly PodInfo[] = POD_NAMES.map((name) => ({ name }));
const sample = (value: number): PodMetric => ({ value, timestamp: 1_700_000_000, window: 60 });

/** A PodSamples over the four pods with `map`'s samples. */
const samplesOf = (map: ReadonlyMap<string, PodMetric>) => podSamplesOf(PODS, map);

describe("PodSamples", () => {
    it("reads as the Map of the same samples: get, has, size, and iteration in the list's order", () => {
        const map = new Map([
            ["test-pod-0", sample(1)],
            ["test-pod-2", sample(3)],
            ["test-pod-3", sample(4)],
        ]);
        const samples = samplesOf(map);
        assert.equal(samples.size, 3);
        // In the list's order, then backwards and out of it: the lookup by name behind the fast path.
        for (const name of [...POD_NAMES, "another-pod", ...[...POD_NAMES].reverse()]) {
            assert.deepEqual(samples.get(name), map.get(name), name);
            assert.equal(samples.has(name), map.has(name), name);
        }
        assert.deepEqual([...samples], [...map]);
        assert.deepEqual([...samples.keys()], ["test-pod-0", "test-pod-2", "test-pod-3"]);
        assert.deepEqual([...samples.values()], [...map.values()]);
        const visited: string[] = [];
        samples.forEach((metric, name) => visited.push(`${name}=${metric.value}`));
        assert.deepEqual(visited, ["test-pod-0=1", "test-pod-2=3", "test-pod-3=4"]);
    });

    it("a second sample for a pod replaces its first, as Map.set does; clear forgets the sync's samples", () => {
        const samples = samplesOf(new Map([["test-pod-2", sample(3)]]));
        samples.put(2, 30);
        assert.equal(samples.size, 1);
        assert.equal(samples.get("test-pod-2")?.value, 30);
        // The next sync (run.ts observe): cleared, then refilled; a pod without a sample now has none.
        samples.clear();
        assert.equal(samples.size, 0);
        samples.put(1, 20, 7, 60);
        assert.deepEqual([...samples], [["test-pod-1", { value: 20, timestamp: 7, window: 60 }]]);
        assert.equal(samples.get("test-pod-2"), undefined);
        assert.equal(samples.has("test-pod-0"), false);
    });

    it("refuses a position outside the list, which a typed array would drop without a word", () => {
        const samples = samplesOf(new Map());
        for (const position of [4, -1, 1.5]) {
            assert.throws(
                () => samples.put(position, 1),
                (error: Error) =>
                    error instanceof RangeError &&
                    error.message === `PodSamples.put: position ${position} is not in the list of 4 pods`,
            );
        }
        assert.equal(samples.size, 0);
    });
});
