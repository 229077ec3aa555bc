// The compatibility table (catalog/compatibility.ts) against its sources, the checks that refuse a
// minor preview cannot deploy, and how the program pins every EKS add-on to the table.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    ADDON_SOURCES,
    AddonPin,
    CLUSTER_AUTOSCALER_IMAGE_TAGS,
    EKS_ADDON_VERSIONS,
    EKS_ADDONS,
    EKS_VERSION_CALENDAR,
} from "../../catalog/compatibility";
import { corednsConfigurationValues } from "../../components/coredns";
import {
    addonVersionsCheck,
    compatibilityCheck,
    deployableMinors,
    missingAddonVersions,
    pastExtendedSupport,
    supportedVersionCheck,
    unconfirmedAddonVersions,
} from "../../components/kubernetes-version";
import { PlatformConfig } from "../../config";
import { checkConfig } from "../../preflight";
import { resource, runStack } from "../helpers/program";
import { fixtureStack, stackConfig } from "../helpers/stacks";

/** The day the release calendar was read; the calendar check uses the real date at preview. */
const CALENDAR_READ_ON = "2026-12-02";

const withVersion = (version: string): PlatformConfig => {
    const config = stackConfig("production");
    return { ...config, cluster: { ...config.cluster, version } };
};

/** A pin for the injected tables, so the check's tests survive catalog updates. */
const pin = (version: string, status: AddonPin["status"], extra: Partial<AddonPin> = {}): AddonPin => ({
    version,
    status,
    source: { url: "https://example.com/addon-versions", read: "2026-12-07", says: "" },
    ...extra,
});
const rowOf = (status: AddonPin["status"]) =>
    Object.fromEntries(EKS_ADDONS.map((addon) => [addon, pin(`v1.0.0-eksbuild.1`, status)]));

describe("compatibility table: EKS add-on versions per Kubernetes minor", () => {
    const column = (addon: (typeof EKS_ADDONS)[number]) =>
        Object.fromEntries(Object.entries(EKS_ADDON_VERSIONS).map(([minor, row]) => [minor, row[addon]?.version]));

    it("holds the versions of the EKS user guide's tables, read 2026-12-07", () => {
        // managing-kube-proxy (ja_jp copy): 1.36 v1.36.0-eksbuild.14 ... 1.32 v1.32.13-eksbuild.16.
        assert.deepEqual(column("kube-proxy"), {
            "1.32": "v1.32.13-eksbuild.16",
            "1.33": "v1.33.10-eksbuild.13",
            "1.34": "v1.34.6-eksbuild.13",
            "1.35": "v1.35.3-eksbuild.13",
            "1.36": "v1.36.0-eksbuild.14",
        });
        // managing-coredns (ja_jp copy): 1.36/1.35 v1.14.3-eksbuild.3, 1.34 v1.13.2-eksbuild.11, ...
        assert.deepEqual(column("coredns"), {
            "1.32": "v1.11.4-eksbuild.40",
            "1.33": "v1.12.4-eksbuild.18",
            "1.34": "v1.13.2-eksbuild.11",
            "1.35": "v1.14.3-eksbuild.3",
            "1.36": "v1.14.3-eksbuild.3",
        });
    });

    it("VPC CNI: the user guide's build up to 1.34, EKS Blueprints' for 1.35, one minor of the CNI per step", () => {
        // managing-vpc-cni (English copy, 2026-12-07): v1.20.4-eksbuild.1 for 1.28-1.34, no 1.35 row.
        // awslabs/cdk-eks-blueprints lib/addons/vpc-cni versionMap at 0b82904e: V1_35 v1.21.1-eksbuild.1.
        assert.deepEqual(column("vpc-cni"), {
            "1.32": "v1.20.4-eksbuild.1",
            "1.33": "v1.20.4-eksbuild.1",
            "1.34": "v1.20.4-eksbuild.1",
            "1.35": "v1.21.1-eksbuild.1",
            "1.36": "v1.21.1-eksbuild.1",
        });
    });

    it("Pod Identity agent: EKS Blueprints' build for 1.32-1.35 (the agent does not follow minors)", () => {
        // awslabs/cdk-eks-blueprints lib/addons/eks-pod-identity-agent versionMap at 0b82904e: V1_31-V1_35 v1.3.10-eksbuild.2.
        for (const version of Object.values(column("eks-pod-identity-agent"))) {
            assert.equal(version, "v1.3.10-eksbuild.2");
        }
    });

    it("every pin is confirmed by its source except 1.36's VPC CNI and Pod Identity agent, taken from 1.35", () => {
        const unconfirmed = Object.entries(EKS_ADDON_VERSIONS).flatMap(([minor, row]) =>
            Object.entries(row)
                .filter(([, addonPin]) => addonPin?.status === "unconfirmed")
                .map(([addon, addonPin]) => `${minor} ${addon} <- ${addonPin!.fromMinor}`),
        );
        assert.deepEqual(unconfirmed, ["1.36 vpc-cni <- 1.35", "1.36 eks-pod-identity-agent <- 1.35"]);
    });

    // The shipped stacks are checked as preview checks them (tests/shipped-stacks.test.ts), which
    // refuses a minor outside these.
    it("the minors preview deploys are 1.32-1.35: complete rows, every pin confirmed", () => {
        assert.deepEqual(deployableMinors(), ["1.32", "1.33", "1.34", "1.35"]);
        for (const minor of deployableMinors()) {
            assert.deepEqual(missingAddonVersions(minor), [], minor);
            assert.deepEqual(unconfirmedAddonVersions(minor), [], minor);
        }
    });

    it("every row is complete, exact (vX.Y.Z-eksbuild.N) and has a cluster-autoscaler image", () => {
        for (const [minor, row] of Object.entries(EKS_ADDON_VERSIONS)) {
            assert.deepEqual(missingAddonVersions(minor), [], minor);
            for (const addon of EKS_ADDONS) {
                assert.match(row[addon]!.version, /^v\d+\.\d+\.\d+-eksbuild\.\d+$/, `${minor} ${addon}`);
            }
            assert.ok(CLUSTER_AUTOSCALER_IMAGE_TAGS[minor], minor);
        }
    });

    it("kube-proxy is the build of its own minor (Kubernetes version skew: never newer than the API server)", () => {
        for (const [minor, row] of Object.entries(EKS_ADDON_VERSIONS)) {
            assert.ok(row["kube-proxy"]!.version.startsWith(`v${minor}.`), `${minor}: ${row["kube-proxy"]!.version}`);
        }
    });

    it("no add-on moves back or skips a minor of its own from one Kubernetes minor to the next", () => {
        // EKS refuses to downgrade an add-on, and the VPC CNI asks for one minor of its own at a time.
        const minors = Object.keys(EKS_ADDON_VERSIONS);
        const parts = (version: string) => version.slice(1).split(/[.-]/).map(Number);
        for (const [index, minor] of minors.slice(1).entries()) {
            for (const addon of EKS_ADDONS) {
                const [before, after] = [EKS_ADDON_VERSIONS[minors[index]][addon]!, EKS_ADDON_VERSIONS[minor][addon]!];
                const [[major1, minor1, patch1], [major2, minor2, patch2]] = [
                    parts(before.version),
                    parts(after.version),
                ];
                assert.equal(major2, major1, `${addon} ${minor}`);
                assert.ok(minor2 === minor1 ? patch2 >= patch1 : minor2 > minor1, `${addon} ${minor} goes back`);
                if (addon === "vpc-cni") {
                    assert.ok(minor2 - minor1 <= 1, `${addon} ${minor} skips a minor`);
                }
            }
        }
    });

    it("every pin cites its source: a URL, the day it was read and what it says", () => {
        for (const [minor, row] of Object.entries(EKS_ADDON_VERSIONS)) {
            for (const addon of EKS_ADDONS) {
                const { source } = row[addon]!;
                assert.match(source.url, /^https:\/\//, `${minor} ${addon}`);
                assert.match(source.read, /^\d{4}-\d{2}-\d{2}$/, `${minor} ${addon}`);
                // A source read after the minor's end of extended support would pin a minor EKS no longer runs.
                assert.equal(pastExtendedSupport(minor, source.read).past, false, `${minor} ${addon}`);
                assert.ok(source.says.length > 0, `${minor} ${addon}`);
            }
        }
        // Each source names the versions it is cited for.
        for (const source of Object.values(ADDON_SOURCES)) {
            assert.match(source.says, /v\d+\.\d+\.\d+-eksbuild\.\d+/, source.url);
        }
    });
});

describe("preview refuses a minor whose add-on row is incomplete or unconfirmed", () => {
    const table = {
        "1.40": rowOf("confirmed"),
        "1.41": {
            ...rowOf("confirmed"),
            "vpc-cni": pin("v1.30.0-eksbuild.1", "unconfirmed", { fromMinor: "1.40" }),
            "eks-pod-identity-agent": pin("v1.9.0-eksbuild.1", "unconfirmed", {
                source: { url: "https://example.org/someone-else.tf", read: "2026-12-07", says: "" },
            }),
        },
        "1.42": { "kube-proxy": pin("v1.42.0-eksbuild.1", "confirmed") },
    };
    const check = addonVersionsCheck(table);

    it("passes a minor whose row is complete and confirmed", () => {
        assert.deepEqual(check(withVersion("1.40")), { errors: [], warnings: [] });
    });

    it("refuses an unconfirmed pin by key, with each add-on, why, and the way to confirm it", () => {
        const [error, ...more] = check(withVersion("1.41")).errors;
        assert.deepEqual(more, []);
        const [first, second] = error.split("\n");
        assert.equal(
            first,
            "berrys-platform:cluster.version (1.41) must be a Kubernetes minor whose EKS add-on versions are confirmed for it (confirmed: 1.40); " +
                "unconfirmed: vpc-cni v1.30.0-eksbuild.1 (taken from 1.40's row), " +
                "eks-pod-identity-agent v1.9.0-eksbuild.1 (from a third party's page, https://example.org/someone-else.tf)",
        );
        assert.ok(
            second.startsWith(
                "confirm each with `aws eks describe-addon-versions --addon-name <addon> --kubernetes-version 1.41`",
            ),
            second,
        );
        assert.ok(second.includes("catalog/compatibility.ts EKS_ADDON_VERSIONS, citing the source"), second);
    });

    it("refuses a minor without a complete row and lists every add-on it lacks", () => {
        const [error] = check(withVersion("1.42")).errors;
        assert.match(
            error,
            /^berrys-platform:cluster\.version \(1\.42\) must be a Kubernetes minor with a complete row in EKS_ADDON_VERSIONS/,
        );
        assert.ok(
            error.includes("missing for 1.42: vpc-cni, coredns, eks-pod-identity-agent, aws-ebs-csi-driver"),
            error,
        );
        assert.ok(error.includes("(complete and confirmed: 1.40)"), error);
        assert.ok(check(withVersion("1.43")).errors[0].includes("missing for 1.43: vpc-cni, kube-proxy, coredns"));
    });

    it("preview runs the check over the catalog: a minor without a row stops the stack before any resource", () => {
        const file = fixtureStack("production");
        const checked = checkConfig(
            {
                ...file.projectConfig,
                cluster: { ...(file.projectConfig.cluster as object), version: "1.37" },
                addons: { clusterAutoscaler: { imageTag: "v1.37.0" } },
            },
            file.context,
        );
        assert.equal(checked.ok, false);
        assert.ok(!checked.ok && checked.errors.some((message) => message.includes("missing for 1.37")));
        assert.deepEqual(compatibilityCheck(withVersion("1.34")), { errors: [], warnings: [] });
    });
});

describe("EKS version calendar: a minor past the end of extended support", () => {
    // Amazon EKS Kubernetes release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.md, read 2026-12-02).
    it("holds the calendar's end-of-extended-support dates", () => {
        assert.equal(EKS_VERSION_CALENDAR["1.31"].endOfExtendedSupport, "2026-11-26");
        assert.equal(EKS_VERSION_CALENDAR["1.32"].endOfExtendedSupport, "2027-03-23");
        assert.equal(EKS_VERSION_CALENDAR["1.34"].endOfStandardSupport, "2026-12-02");
        assert.equal(EKS_VERSION_CALENDAR["1.34"].endOfExtendedSupport, "2027-12-02");
        assert.equal(EKS_VERSION_CALENDAR["1.35"].endOfExtendedSupport, "2028-03-27");
    });

    it("refuses 1.31 on 2026-12-02 (ended 2026-11-26) even with the autoscaler image overridden", () => {
        const config = withVersion("1.31");
        const overridden = {
            ...config,
            addons: {
                ...config.addons,
                clusterAutoscaler: { ...config.addons.clusterAutoscaler, imageTag: "v1.31.5" },
            },
        };
        const [error] = supportedVersionCheck(CALENDAR_READ_ON)(overridden).errors;
        assert.equal(
            error,
            "berrys-platform:cluster.version (1.31) must be a Kubernetes minor EKS still supports: its extended support ended on 2026-11-26\n" +
                "use one of 1.32, 1.33, 1.34, 1.35 (catalog/compatibility.ts EKS_VERSION_CALENDAR)",
        );
    });

    it("accepts 1.34 on its last day of standard support and up to its end of extended support", () => {
        assert.deepEqual(supportedVersionCheck(CALENDAR_READ_ON)(withVersion("1.34")).errors, []);
        assert.deepEqual(supportedVersionCheck("2027-12-02")(withVersion("1.34")).errors, []);
        assert.equal(supportedVersionCheck("2027-12-03")(withVersion("1.34")).errors.length, 1);
    });

    it("a minor older than the calendar is past support; one newer than the calendar read is not", () => {
        assert.match(
            supportedVersionCheck(CALENDAR_READ_ON)(withVersion("1.26")).errors[0],
            /older than every minor in EKS's release calendar/,
        );
        assert.deepEqual(supportedVersionCheck(CALENDAR_READ_ON)(withVersion("1.36")).errors, []);
    });
});

describe("the program pins every EKS add-on to the table", () => {
    const addonVersion = (run: Awaited<ReturnType<typeof runStack>>, name: string) =>
        resource(run, "aws:eks/addon:Addon", name).inputs.addonVersion;

    it("vpc-cni and kube-proxy through eks.Cluster's options, no longer mostRecent on every run", async () => {
        // pulumi-eks v4.3.0: `VpcCniAddon` (nodejs/eks/addons/cni-addon.ts) and the kube-proxy add-on of
        // nodejs/eks/cluster/cluster.ts call aws.eks.getAddonVersion({ mostRecent: true }) unless a version is given.
        const run = await runStack("production");
        const cluster = resource(run, "eks:index:Cluster", "berrys-cluster-eks");
        assert.equal(cluster.inputs.vpcCniOptions.addonVersion, "v1.20.4-eksbuild.1");
        assert.equal(cluster.inputs.kubeProxyAddonOptions.version, "v1.34.6-eksbuild.13");
        assert.equal(cluster.inputs.corednsAddonOptions.enabled, false);
    });

    it("the pod-identity agent, the EBS CSI driver and CoreDNS as standalone add-ons", async () => {
        const run = await runStack("production");
        assert.equal(addonVersion(run, "berrys-cluster-pod-identity-agent"), "v1.3.10-eksbuild.2");
        assert.equal(addonVersion(run, "berrys-addons-prometheus-ebs-csi-driver"), "v1.66.0-eksbuild.1");
        assert.equal(addonVersion(run, "berrys-coredns-addon"), "v1.13.2-eksbuild.11");
        // No add-on is left to EKS's choice.
        for (const addon of run.registered.filter((r) => r.type === "aws:eks/addon:Addon")) {
            assert.match(addon.inputs.addonVersion, /^v\d+\.\d+\.\d+-eksbuild\.\d+$/, addon.name);
        }
    });

    it("raising cluster.version moves every add-on to the new minor's row", async () => {
        const run = await runStack("production", {
            configOverrides: {
                "berrys-platform:cluster": {
                    ...(fixtureStack("production").config["berrys-platform:cluster"] as object),
                    version: "1.35",
                },
            },
        });
        const cluster = resource(run, "eks:index:Cluster", "berrys-cluster-eks");
        assert.equal(cluster.inputs.vpcCniOptions.addonVersion, "v1.21.1-eksbuild.1");
        assert.equal(cluster.inputs.kubeProxyAddonOptions.version, "v1.35.3-eksbuild.13");
        assert.equal(addonVersion(run, "berrys-coredns-addon"), "v1.14.3-eksbuild.3");
    });
});

describe("CoreDNS as a managed EKS add-on", () => {
    it("is created after the node groups, outside eks.Cluster, with its configuration from the builder", async () => {
        // With skipDefaultNodeGroup pulumi-eks creates no CoreDNS add-on (nodejs/eks/cluster/cluster.ts, v4.3.0),
        // and inside eks.Cluster it would wait for nodes that wait for the cluster.
        const run = await runStack("production");
        const addon = resource(run, "aws:eks/addon:Addon", "berrys-coredns-addon");
        assert.equal(addon.inputs.addonName, "coredns");
        assert.deepEqual(JSON.parse(addon.inputs.configurationValues), corednsConfigurationValues());
        assert.equal(addon.inputs.resolveConflictsOnCreate, "OVERWRITE");
        const declared = run.declared.find(
            (r) => r.type === "aws:eks/addon:Addon" && r.name === "berrys-coredns-addon",
        )!;
        const dependsOn = (declared.opts.dependsOn ?? []) as pulumi.Resource[];
        assert.deepEqual(
            dependsOn.map((dependency) => (dependency as any).__name),
            ["berrys-default-node-group"],
        );
        assert.equal(declared.parent?.type, "berrys:platform:Coredns");
    });

    it("runs two replicas spread over zones, and still schedules when every node is in one zone; one PDB, the add-on's own", () => {
        assert.deepEqual(corednsConfigurationValues(), {
            replicaCount: 2,
            podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
            topologySpreadConstraints: [
                {
                    maxSkew: 1,
                    topologyKey: "topology.kubernetes.io/zone",
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                },
            ],
        });
    });
});

describe("a new stack's minor (cluster.version's default)", () => {
    // Issue 20: 1.34 left standard support on 2026-12-02, so a stack that sets no version starts on
    // 1.35, the minor the shipped stacks moved to, not on one billed at extended-support rates.
    it("is 1.35: its add-on row is complete and confirmed, and its standard support ran past 2026-12-07", () => {
        const version = stackConfig("minimal").cluster.version;
        assert.equal(version, "1.35");
        assert.deepEqual(missingAddonVersions(version), []);
        assert.ok(EKS_ADDONS.every((addon) => EKS_ADDON_VERSIONS[version][addon]?.status === "confirmed"));
        assert.ok(EKS_VERSION_CALENDAR[version].endOfStandardSupport > "2026-12-07");
    });
});
