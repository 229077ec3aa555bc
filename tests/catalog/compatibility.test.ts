// The compatibility table (catalog/compatibility.ts) against its sources, the checks that refuse a
// minor preview cannot deploy, and how the program pins every EKS add-on to the table.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    ADDON_SOURCES,
    CLUSTER_AUTOSCALER_IMAGE_TAGS,
    EKS_ADDON_VERSIONS,
    EKS_ADDONS,
    EKS_VERSION_CALENDAR,
} from "../../catalog/compatibility";
import { corednsConfigurationValues } from "../../components/coredns";
import {
    compatibilityCheck,
    missingAddonVersions,
    pastExtendedSupport,
    supportedVersionCheck,
} from "../../components/kubernetes-version";
import { PlatformConfig } from "../../config";
import { checkConfig } from "../../preflight";
import { resource, runStack } from "../helpers/program";
import { fixtureStack, stackConfig } from "../helpers/stacks";

/** The day this table was read; the calendar check uses the real date at preview. */
const READ_ON = "2026-12-02";

const withVersion = (version: string): PlatformConfig => {
    const config = stackConfig("production");
    return { ...config, cluster: { ...config.cluster, version } };
};

describe("compatibility table: EKS add-on versions per Kubernetes minor", () => {
    it("holds the versions of the EKS user guide's tables, read 2026-12-02", () => {
        // managing-kube-proxy (ja_jp copy): 1.36 v1.36.0-eksbuild.14 ... 1.32 v1.32.13-eksbuild.16.
        // managing-coredns (ja_jp copy): 1.36/1.35 v1.14.3-eksbuild.3, 1.34 v1.13.2-eksbuild.11,
        //   1.33 v1.12.4-eksbuild.18, 1.32 v1.11.4-eksbuild.40.
        // managing-vpc-cni (English copy): v1.20.4-eksbuild.1 for every minor 1.28-1.34.
        const column = (addon: (typeof EKS_ADDONS)[number]) =>
            Object.fromEntries(Object.entries(EKS_ADDON_VERSIONS).map(([minor, row]) => [minor, row[addon]?.version]));
        assert.deepEqual(column("kube-proxy"), {
            "1.32": "v1.32.13-eksbuild.16",
            "1.33": "v1.33.10-eksbuild.13",
            "1.34": "v1.34.6-eksbuild.13",
            "1.35": "v1.35.3-eksbuild.13",
            "1.36": "v1.36.0-eksbuild.14",
        });
        assert.deepEqual(column("coredns"), {
            "1.32": "v1.11.4-eksbuild.40",
            "1.33": "v1.12.4-eksbuild.18",
            "1.34": "v1.13.2-eksbuild.11",
            "1.35": "v1.14.3-eksbuild.3",
            "1.36": "v1.14.3-eksbuild.3",
        });
        for (const row of Object.values(EKS_ADDON_VERSIONS)) {
            assert.equal(row["vpc-cni"]?.version, "v1.20.4-eksbuild.1");
        }
    });

    it("marks the rows taken from another minor: only the VPC CNI's 1.35 and 1.36, from 1.34", () => {
        const borrowed = Object.entries(EKS_ADDON_VERSIONS).flatMap(([minor, row]) =>
            Object.entries(row)
                .filter(([, pin]) => pin?.fromMinor !== undefined)
                .map(([addon, pin]) => `${minor} ${addon} <- ${pin!.fromMinor}`),
        );
        assert.deepEqual(borrowed, ["1.35 vpc-cni <- 1.34", "1.36 vpc-cni <- 1.34"]);
        // The borrowed version is the lender's own.
        assert.equal(EKS_ADDON_VERSIONS["1.35"]["vpc-cni"]?.version, EKS_ADDON_VERSIONS["1.34"]["vpc-cni"]?.version);
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

    it("cites a source and the date it was read for every add-on, and says where it is not a user-guide table", () => {
        for (const addon of EKS_ADDONS) {
            assert.match(ADDON_SOURCES[addon].url, /^https:\/\//, addon);
            assert.equal(ADDON_SOURCES[addon].read, READ_ON, addon);
        }
        assert.deepEqual(
            EKS_ADDONS.filter((addon) => ADDON_SOURCES[addon].note !== undefined),
            ["eks-pod-identity-agent", "aws-ebs-csi-driver"],
        );
        for (const addon of ["vpc-cni", "kube-proxy", "coredns"] as const) {
            assert.match(
                ADDON_SOURCES[addon].url,
                /^https:\/\/docs\.aws\.amazon\.com\/.*\/eks\/latest\/userguide\/|^https:\/\/docs\.aws\.amazon\.com\/eks\/latest\/userguide\//,
                addon,
            );
        }
    });

    it("has rows only for minors EKS still supported on the day it was read", () => {
        for (const minor of Object.keys(EKS_ADDON_VERSIONS)) {
            assert.equal(pastExtendedSupport(minor, READ_ON).past, false, minor);
        }
    });

    it("preview refuses a minor without a complete row and lists every add-on it lacks", () => {
        const [error] = compatibilityCheck(withVersion("1.37")).errors;
        assert.match(
            error,
            /^berrys-platform:cluster\.version \(1\.37\) must be a Kubernetes minor with a complete row in EKS_ADDON_VERSIONS/,
        );
        assert.ok(
            error.includes(
                "missing for 1.37: vpc-cni, kube-proxy, coredns, eks-pod-identity-agent, aws-ebs-csi-driver",
            ),
            error,
        );
        assert.ok(error.includes("complete: 1.32, 1.33, 1.34, 1.35, 1.36"), error);
        assert.deepEqual(compatibilityCheck(withVersion("1.34")), { errors: [], warnings: [] });
        // The same through the preflight the program runs.
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
        const [error] = supportedVersionCheck(READ_ON)(overridden).errors;
        assert.equal(
            error,
            "berrys-platform:cluster.version (1.31) must be a Kubernetes minor EKS still supports: its extended support ended on 2026-11-26\n" +
                "use one of 1.32, 1.33, 1.34, 1.35 (catalog/compatibility.ts EKS_VERSION_CALENDAR)",
        );
    });

    it("accepts 1.34 on its last day of standard support and up to its end of extended support", () => {
        assert.deepEqual(supportedVersionCheck(READ_ON)(withVersion("1.34")).errors, []);
        assert.deepEqual(supportedVersionCheck("2027-12-02")(withVersion("1.34")).errors, []);
        assert.equal(supportedVersionCheck("2027-12-03")(withVersion("1.34")).errors.length, 1);
    });

    it("a minor older than the calendar is past support; one newer than the calendar read is not", () => {
        assert.match(
            supportedVersionCheck(READ_ON)(withVersion("1.26")).errors[0],
            /older than every minor in EKS's release calendar/,
        );
        assert.deepEqual(supportedVersionCheck(READ_ON)(withVersion("1.36")).errors, []);
    });
});

describe("the program pins every EKS add-on to the table", () => {
    const addonVersion = (run: Awaited<ReturnType<typeof runStack>>, name: string) =>
        resource(run, "aws:eks/addon:Addon", name).inputs.addonVersion;

    it("vpc-cni and kube-proxy through eks.Cluster's options, no longer mostRecent on every run", async () => {
        // pulumi-eks v4.3.0: nodejs/eks/addons/cni-addon.ts lines 272-283 and nodejs/eks/cluster/cluster.ts
        // lines 766-777 call aws.eks.getAddonVersion({ mostRecent: true }) unless a version is given.
        const run = await runStack("production");
        const cluster = resource(run, "eks:index:Cluster", "berrys-cluster-eks");
        assert.equal(cluster.inputs.vpcCniOptions.addonVersion, "v1.20.4-eksbuild.1");
        assert.equal(cluster.inputs.kubeProxyAddonOptions.version, "v1.34.6-eksbuild.13");
        assert.equal(cluster.inputs.corednsAddonOptions.enabled, false);
    });

    it("the pod-identity agent, the EBS CSI driver and CoreDNS as standalone add-ons", async () => {
        const run = await runStack("production");
        assert.equal(addonVersion(run, "berrys-cluster-pod-identity-agent"), "v1.3.9-eksbuild.3");
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
        assert.equal(cluster.inputs.kubeProxyAddonOptions.version, "v1.35.3-eksbuild.13");
        assert.equal(addonVersion(run, "berrys-coredns-addon"), "v1.14.3-eksbuild.3");
    });
});

describe("CoreDNS as a managed EKS add-on", () => {
    it("is created after the node groups, outside eks.Cluster, with its configuration from the builder", async () => {
        // With skipDefaultNodeGroup pulumi-eks creates no CoreDNS add-on (cluster.ts v4.3.0 lines 1175-1185),
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
