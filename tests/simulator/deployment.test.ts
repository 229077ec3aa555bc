// The Deployment controller's rolling update (simulator/deployment.ts) against the sequences
// Kubernetes documents on pkg/controller/deployment/util/deployment_util.go ResolveFenceposts:
//   2 desired, max unavailable 1%, surge 0%  - should scale old(-1), then new(+1), then old(-1), then new(+1)
//   1 desired, max unavailable 1%, surge 0%  - should scale old(-1), then new(+1)
//   2 desired, max unavailable 25%, surge 1% - should scale new(+1), then old(-1), then new(+1), then old(-1)
//   1 desired, max unavailable 25%, surge 1% - should scale new(+1), then old(-1)
//   2 desired, max unavailable 0%, surge 1%  - should scale new(+1), then old(-1), then new(+1), then old(-1)
//   1 desired, max unavailable 0%, surge 1%  - should scale new(+1), then old(-1)
import { strict as assert } from "assert";
import { resolveFenceposts, rolloutStep } from "../../simulator/deployment";

/** Steps a rollout of `desired` pods whose new pods are ready at once; returns the changes as upstream's comment writes them. */
function sequence(desired: number, maxSurge: string, maxUnavailable: string): string[] {
    let counts = { replicas: desired, oldReplicas: desired, newReplicas: 0, oldAvailable: desired, newAvailable: 0 };
    const changes: string[] = [];
    for (let i = 0; i < 20 && (counts.oldReplicas > 0 || counts.newReplicas < desired); i++) {
        const next = rolloutStep(counts, maxSurge, maxUnavailable);
        if (next.newReplicas !== counts.newReplicas)
            changes.push(
                `new(${next.newReplicas > counts.newReplicas ? "+" : ""}${next.newReplicas - counts.newReplicas})`,
            );
        if (next.oldReplicas !== counts.oldReplicas) changes.push(`old(${next.oldReplicas - counts.oldReplicas})`);
        counts = { ...counts, ...next, oldAvailable: next.oldReplicas, newAvailable: next.newReplicas };
    }
    return changes;
}

describe("simulator deployment (rolling update, Kubernetes 1.34 pkg/controller/deployment)", () => {
    it("2 desired, max unavailable 1%, surge 0%: old(-1), new(+1), old(-1), new(+1)", () => {
        assert.deepEqual(
            resolveFenceposts("0%", "1%", 2),
            { surge: 0, unavailable: 1 },
            "both round to 0: maxUnavailable 1",
        );
        assert.deepEqual(sequence(2, "0%", "1%"), ["old(-1)", "new(+1)", "old(-1)", "new(+1)"]);
    });
    it("1 desired, max unavailable 1%, surge 0%: old(-1), new(+1)", () => {
        assert.deepEqual(sequence(1, "0%", "1%"), ["old(-1)", "new(+1)"]);
    });
    it("2 desired, max unavailable 25%, surge 1%: new(+1), old(-1), new(+1), old(-1)", () => {
        assert.deepEqual(resolveFenceposts("1%", "25%", 2), { surge: 1, unavailable: 0 });
        assert.deepEqual(sequence(2, "1%", "25%"), ["new(+1)", "old(-1)", "new(+1)", "old(-1)"]);
    });
    it("1 desired, max unavailable 25%, surge 1%: new(+1), old(-1)", () => {
        assert.deepEqual(sequence(1, "1%", "25%"), ["new(+1)", "old(-1)"]);
    });
    it("2 desired, max unavailable 0%, surge 1%: new(+1), old(-1), new(+1), old(-1)", () => {
        assert.deepEqual(sequence(2, "1%", "0%"), ["new(+1)", "old(-1)", "new(+1)", "old(-1)"]);
    });
    it("1 desired, max unavailable 0%, surge 1%: new(+1), old(-1)", () => {
        assert.deepEqual(sequence(1, "1%", "0%"), ["new(+1)", "old(-1)"]);
    });
    it("derived: with the old pods short of minAvailable (a quota that refused some) and no new pod available, the old RS keeps them", () => {
        // 10 replicas, 25% / 25%: minAvailable 8; 5 old pods exist (5 refused), the new RS's pods are refused too.
        const next = rolloutStep(
            { replicas: 10, oldReplicas: 5, newReplicas: 8, oldAvailable: 5, newAvailable: 0 },
            "25%",
            "25%",
        );
        assert.deepEqual(next, { oldReplicas: 5, newReplicas: 8 });
    });
});
