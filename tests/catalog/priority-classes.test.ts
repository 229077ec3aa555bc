import { strict as assert } from "assert";
import { priorityValue } from "../../catalog/priority-classes";

describe("priorityValue", () => {
    it("the platform's classes: critical 100000, standard 10000, monitoring at critical, headroom -10, system-cluster-critical 2000000000", () => {
        assert.deepEqual(
            [
                "berrys-critical",
                "berrys-standard",
                "berrys-monitoring",
                "berrys-headroom",
                "system-cluster-critical",
            ].map(priorityValue),
            [100000, 10000, 100000, -10, 2000000000],
        );
    });

    it("no class is priority 0 (the cluster has no global default class)", () => {
        assert.equal(priorityValue(undefined), 0);
    });

    it("a class the catalog does not know is an error naming it and where to add it", () => {
        assert.throws(
            () => priorityValue("team-batch"),
            /unknown PriorityClass team-batch: add it to catalog\/priority-classes.ts/,
        );
    });
});
