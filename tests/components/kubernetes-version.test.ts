// The Kubernetes lifecycle on EKS: the upgrade policy, the notice before a minor leaves standard
// support, and what EKS refuses given the live cluster (issue 20 item 5). Dates are passed in, so
// the tests do not age; the calendar rows are EKS's (catalog/compatibility.ts EKS_VERSION_CALENDAR).
import { strict as assert } from "assert";
import { liveVersionErrors, standardSupportWarning } from "../../components/kubernetes-version";
import { checkConfig } from "../../preflight";
import { ProgramFailed } from "../../tools/mock-engine";
import { resource, runStack } from "../helpers/program";
import { fixtureStack, stackWith } from "../helpers/stacks";

const at = (version: string, supportType: "STANDARD" | "EXTENDED" = "EXTENDED") =>
    stackWith("staging", (raw) => {
        raw.cluster.version = version;
        raw.cluster.upgradePolicy = { supportType };
    });

describe("cluster.upgradePolicy", () => {
    it("defaults to EXTENDED, refuses anything but the EKS API's two values, and reaches eks.Cluster's upgradePolicy", async () => {
        assert.equal(stackWith("staging", () => undefined).cluster.upgradePolicy.supportType, "EXTENDED");
        const file = fixtureStack("staging");
        const bad = checkConfig(
            {
                ...file.projectConfig,
                cluster: { ...(file.projectConfig.cluster as object), upgradePolicy: { supportType: "standard" } },
            },
            file.context,
        );
        assert.equal(bad.ok, false);
        assert.match((bad as { errors: string[] }).errors[0], /^berrys-platform:cluster\.upgradePolicy\.supportType/);
        // pulumi-eks v4.3.0 `createCore` passes args.upgradePolicy to aws.eks.Cluster's upgradePolicy.
        const cluster = resource(await runStack("staging"), "eks:index:Cluster", "berrys-cluster-eks");
        assert.deepEqual(cluster.inputs.upgradePolicy, { supportType: "EXTENDED" });
    });
});

describe("the notice before a minor leaves standard support", () => {
    // 1.35: standard support ends 2027-03-27 (EKS release calendar).
    it("says nothing 91 days before, and from 90 days gives the date, what happens under the policy and the monthly cost", () => {
        assert.deepEqual(standardSupportWarning("2026-12-26")(at("1.35")).warnings, []);
        const [extended] = standardSupportWarning("2026-12-27")(at("1.35")).warnings;
        assert.match(
            extended,
            /^berrys-platform:cluster\.version \(1\.35\) leaves EKS standard support on 2027-03-27 \(in 90 days\)\n/,
        );
        // USD 0.60 instead of 0.10 per cluster-hour: 0.50 x 730 h = USD 365 a month more.
        assert.match(
            extended,
            /upgradePolicy EXTENDED EKS then bills extended support \(USD 0\.60 instead of 0\.10 per cluster-hour, USD 365 more per month\); upgrade to 1\.36 first/,
        );
        const [standard] = standardSupportWarning("2027-03-01")(at("1.35", "STANDARD")).warnings;
        assert.match(
            standard,
            /upgradePolicy STANDARD EKS then upgrades the control plane to 1\.36 itself, leaving cluster\.version, the node groups and the add-on pins behind/,
        );
        assert.ok([extended, standard].every((warning) => warning.split("\n")[0].length <= 200));
    });

    it("keeps warning once the minor is in extended support (1.34 after 2026-12-02)", () => {
        assert.match(
            standardSupportWarning("2026-12-07")(at("1.34")).warnings[0],
            /^berrys-platform:cluster\.version \(1\.34\) left EKS standard support on 2026-12-02\n/,
        );
    });
});

describe("what EKS refuses given the live cluster", () => {
    it("one minor above the live cluster is an upgrade; two is refused by key, with the way through", () => {
        assert.deepEqual(liveVersionErrors(at("1.35"), { version: "1.34", supportType: "EXTENDED" }, "2026-12-07"), []);
        const [error] = liveVersionErrors(at("1.35"), { version: "1.33", supportType: "EXTENDED" }, "2026-12-07");
        assert.match(
            error,
            /^berrys-platform:cluster\.version \(1\.35\) must be at most one minor above the live cluster's 1\.33: EKS upgrades one minor at a time\nSet 1\.34/,
        );
        assert.deepEqual(
            liveVersionErrors(at("1.35"), undefined, "2026-12-07"),
            [],
            "no cluster yet: any supported minor",
        );
    });

    it("a minor below the live cluster is refused (EKS does not downgrade; STANDARD may have upgraded it)", () => {
        assert.match(
            liveVersionErrors(at("1.34"), { version: "1.35", supportType: "STANDARD" }, "2026-12-07")[0],
            /^berrys-platform:cluster\.version \(1\.34\) must not be below the live cluster's 1\.35/,
        );
    });

    it("STANDARD for a cluster in extended support is refused with the way out: upgrade first", () => {
        const errors = liveVersionErrors(
            at("1.34", "STANDARD"),
            { version: "1.34", supportType: "EXTENDED" },
            "2026-12-07",
        );
        assert.deepEqual(
            errors.map((error) => error.split("\n")[0]),
            [
                "berrys-platform:cluster.upgradePolicy.supportType (STANDARD) must stay EXTENDED while the live cluster (1.34) is in extended support (since 2026-12-02)",
            ],
        );
        // Upgrading and switching in one run: the live cluster is still in extended support, so first the upgrade.
        assert.equal(
            liveVersionErrors(at("1.35", "STANDARD"), { version: "1.34", supportType: "EXTENDED" }, "2026-12-07")
                .length,
            1,
        );
        assert.deepEqual(
            liveVersionErrors(at("1.35", "STANDARD"), { version: "1.35", supportType: "EXTENDED" }, "2026-12-07"),
            [],
        );
        assert.deepEqual(
            liveVersionErrors(at("1.34", "STANDARD"), { version: "1.34", supportType: "EXTENDED" }, "2026-11-30"),
            [],
            "before the end of standard support",
        );
    });

    it("preview reads the live cluster and stops before any resource for a two-minor jump", async () => {
        await assert.rejects(
            runStack("staging", {
                callOverrides: (token, inputs) =>
                    token === "aws:eks/getCluster:getCluster"
                        ? {
                              name: inputs.name,
                              createdAt: "2025-06-01T09:00:00Z",
                              version: "1.32",
                              upgradePolicies: [{ supportType: "EXTENDED" }],
                          }
                        : undefined,
            }),
            (failure: unknown) => {
                assert.ok(failure instanceof ProgramFailed);
                assert.match(
                    failure.message,
                    /berrys-platform:cluster\.version \(1\.34\) must be at most one minor above the live cluster's 1\.32/,
                );
                assert.equal(failure.registered.length, 0);
                return true;
            },
        );
    });
});
