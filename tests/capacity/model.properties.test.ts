// Property-based tests of the capacity model: on any config the parser accepts it never throws,
// its totals are monotone (more replicas never need less), and its report is plain JSON.
import * as assert from "assert";
import fc from "fast-check";
import { parseConfig, PlatformConfig } from "../../config";
import { capacityFindings, Finding, formatCapacityTable } from "../../capacity/findings";
import { CapacityReport, capacityReport, Headroom, SystemPod } from "../../capacity/model";
import { STACK, validRawConfig } from "./arbitraries";

// Cases per property: by V8 block coverage over four seeds, 300 cases reach every branch of the
// model and the findings that 1,000 reach but, now and then, one rare one (a stack without any
// finding, say) that another seed reaches.
const RUNS = 300;

// Parsed without the cross-checks: the config properties (tests/config.properties.test.ts) prove
// that every config of validRawConfig passes them too.
const validConfig: fc.Arbitrary<PlatformConfig> = validRawConfig.map((raw) => {
    const result = parseConfig(raw, STACK);
    if (!result.ok) {
        throw new Error(`the arbitrary made an invalid config:\n${result.errors.join("\n")}`);
    }
    return result.config;
});

/** System pods, each in one of three namespaces, given by its index. */
const systemPodsIn = fc.array(
    fc.record({
        name: fc.constantFrom("prometheus", "cluster-autoscaler", "metrics-server", "coredns"),
        namespace: fc.constantFrom(0, 1, 2),
        replicas: fc.integer({ min: 0, max: 5 }),
        requests: fc.record({
            cpu: fc.integer({ min: 0, max: 4000 }).map((milli) => milli / 1000),
            memory: fc.integer({ min: 0, max: 8 * 2 ** 30 }),
        }),
    }),
    { maxLength: 4 },
);

// The namespaces by index: one arbitrary for every config rather than one built per config (the
// same draws, at a fraction of the cost).
const configAndSystemPods = validConfig.chain((config) => {
    const namespaces = [config.namespace.name, "kube-system", "monitoring"];
    return systemPodsIn.map((pods): { config: PlatformConfig; pods: SystemPod[] } => ({
        config,
        pods: pods.map((pod) => ({ ...pod, namespace: namespaces[pod.namespace] })),
    }));
});

function headroomOrdered(headroom: Headroom): boolean {
    return (
        [headroom.atMin, headroom.atMax, headroom.atMaxDuringRollout].every((value) => value === null) ||
        (headroom.atMin! >= headroom.atMax! && headroom.atMax! >= headroom.atMaxDuringRollout!)
    );
}

type Case = { config: PlatformConfig; report: CapacityReport; findings: Finding[] };

/** The capacity model's invariants, by what each pins; each throws when it does not hold. */
const INVARIANTS: Readonly<Record<string, (input: Case) => void>> = {
    "never throws on a valid config, and its report is plain JSON": ({ report, findings }) => {
        assert.deepStrictEqual(JSON.parse(JSON.stringify(report)), report);
        assert.strictEqual(typeof formatCapacityTable(report, findings), "string");
        for (const finding of findings) {
            assert.ok(
                finding.keys.length > 0 && finding.keys.every((key) => key.startsWith("berrys-platform:")),
                JSON.stringify(finding),
            );
            assert.ok(finding.message.length > 0 && finding.fix.length > 0);
        }
    },
    "totals are monotone: at max >= at min, and a rollout never needs less": ({ report }) => {
        for (const row of [...report.quota, ...report.nodes.rows]) {
            assert.ok(row.atMax >= row.atMin && row.atMaxDuringRollout >= row.atMax, JSON.stringify(row));
            assert.ok(headroomOrdered(row.headroom), JSON.stringify(row));
        }
        for (const row of report.quota) {
            assert.ok(
                row.atMinDuringRollout >= row.atMin && row.atMaxDuringRollout >= row.atMinDuringRollout,
                JSON.stringify(row),
            );
        }
        const connections = report.connections;
        if (connections !== null) {
            assert.ok(connections.atMax >= connections.atMin && connections.atMaxDuringRollout >= connections.atMax);
        }
    },
    "each service reaches between 0 and maxReplicas, and no more with the others at max than at min": ({ report }) => {
        for (const service of report.services) {
            const { othersAtMin, othersAtMax } = service.reachable;
            for (const reach of [othersAtMin, othersAtMax]) {
                assert.ok(
                    Number.isInteger(reach.replicas) && reach.replicas >= 0 && reach.replicas <= service.maxReplicas,
                );
                assert.strictEqual(reach.limitedBy === null, reach.replicas === service.maxReplicas);
            }
            assert.ok(othersAtMax.replicas <= othersAtMin.replicas, JSON.stringify(service));
        }
    },
    "a quota exceeded at min replicas is an error; warningsAsErrors leaves no warning": ({
        config,
        report,
        findings,
    }) => {
        const quotaAtMinFits = report.quota.every((row) => row.hard === null || row.atMin <= row.hard);
        const errors = findings.filter((finding) => finding.severity === "error");
        if (!quotaAtMinFits) {
            assert.ok(errors.some((finding) => finding.keys[0].startsWith("berrys-platform:namespace.quota.")));
        }
        // The report is the same with warningsAsErrors (the model does not read it): only the findings change.
        const strict = { ...config, guardrails: { ...config.guardrails, warningsAsErrors: true } };
        assert.ok(capacityFindings(strict, report).every((finding) => finding.severity === "error"));
    },
};

describe("capacity properties (fast-check)", function () {
    this.timeout(120_000);

    // Every invariant is checked on each drawn case: drawing and parsing a random config costs
    // more than checking it, so the invariants share their cases.
    it(`holds each of INVARIANTS (${Object.keys(INVARIANTS).length}) on ${RUNS} random valid configs with random system pods`, () => {
        fc.assert(
            fc.property(configAndSystemPods, ({ config, pods }) => {
                const report = capacityReport(config, pods);
                const input = { config, report, findings: capacityFindings(config, report) };
                for (const [name, holds] of Object.entries(INVARIANTS)) {
                    assert.doesNotThrow(() => holds(input), name);
                }
            }),
            { numRuns: RUNS },
        );
    });
});
