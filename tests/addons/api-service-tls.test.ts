// The API server verifies the metrics APIServices' certificates (issue 21): metrics-server's chart
// generates its certificate in the cluster; prometheus-adapter's is made by the program (tls
// provider) and reaches the chart with the key a Pulumi secret, so state never holds it in the clear.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { MockRun } from "../../tools/mock-engine";
import { runStack } from "../helpers/program";
import { releaseSpecs } from "../../components/addons";
import { chartDefaults, helmMerge } from "../helpers/helm-values";
import { stackConfig } from "../helpers/stacks";

describe("metrics APIServices verify TLS (issue 21)", () => {
    for (const stack of ["production", "staging"]) {
        const specs = releaseSpecs(stackConfig(stack));

        it(`${stack}: metrics-server's APIService carries a Helm-made caBundle and no insecureSkipTLSVerify`, () => {
            const spec = specs.find((release) => release.chart === "metrics-server");
            assert.ok(spec, "metrics-server is installed");
            const values = helmMerge(chartDefaults("metrics-server"), spec.values) as Record<string, any>;
            // metrics-server-helm-chart-3.13.1 templates/apiservice.yaml: `tls.type: helm` generates a
            // self-signed certificate (genSelfSignedCert) into the Secret and the caBundle, reused through
            // `tls.helm.lookup`; `insecureSkipTLSVerify` renders only when truthy (values.yaml default true).
            assert.equal(values.tls.type, "helm");
            assert.equal(values.tls.helm.lookup, true);
            assert.ok(
                values.tls.helm.certDurationDays >= 3650,
                "a certificate that is never renewed must outlive the cluster's usual life",
            );
            assert.equal(values.apiService.insecureSkipTLSVerify, false);
            assert.equal(values.apiService.caBundle, "", "no CA from the program: Helm's own");
        });

        it(`${stack}: prometheus-adapter's values turn the chart's TLS on`, () => {
            const spec = specs.find((release) => release.chart === "prometheus-adapter");
            assert.ok(spec, "prometheus-adapter is installed");
            const values = helmMerge(chartDefaults("prometheus-adapter"), spec.values) as Record<string, any>;
            // prometheus-adapter-5.3.0 templates/custom-metrics-apiservice.yaml renders
            // `insecureSkipTLSVerify: true` unless `tls.enable` (values.yaml default false) or cert-manager.
            assert.equal(values.tls.enable, true);
            assert.equal(values.certManager.enabled, false, "no cert-manager in the cluster: the program's own CA");
        });

        it(`${stack}: no release's values carry key material`, () => {
            for (const spec of specs) {
                assert.doesNotMatch(JSON.stringify(spec.values), /PRIVATE KEY|BEGIN CERTIFICATE/, spec.name);
            }
        });
    }
});

/** Types of the tls provider's resources, as @pulumi/tls registers them. */
const TLS = {
    key: "tls:index/privateKey:PrivateKey",
    request: "tls:index/certRequest:CertRequest",
    selfSigned: "tls:index/selfSignedCert:SelfSignedCert",
    signed: "tls:index/locallySignedCert:LocallySignedCert",
} as const;

/** The registered resources of a type; the adapter's certificate is the program's only use of the tls provider. */
function ofType(run: MockRun, type: string) {
    const found = run.registered.filter((resource) => resource.type === type);
    assert.equal(found.length, type === TLS.key ? 2 : 1, type);
    return found;
}

describe("prometheus-adapter's serving certificate (issue 21)", () => {
    let run: MockRun;
    before(async () => {
        run = await runStack("production");
    });

    const adapterRelease = () => {
        const found = run.registered.filter(
            (resource) =>
                resource.type === "kubernetes:helm.sh/v3:Release" && resource.inputs.chart === "prometheus-adapter",
        );
        assert.equal(found.length, 1);
        return found[0];
    };

    it("the Release gets the program's CA, the certificate it signs and the serving key", () => {
        const values = adapterRelease().inputs.values;
        // prometheus-adapter-5.3.0: templates/custom-metrics-apiservice.yaml `caBundle: b64enc .Values.tls.ca`;
        // templates/secret.yaml writes tls.certificate and tls.key into the Secret templates/deployment.yaml
        // mounts at /var/run/serving-cert (`--tls-cert-file`, `--tls-private-key-file`).
        assert.equal(values.tls.enable, true);
        const [ca] = ofType(run, TLS.selfSigned);
        const [signed] = ofType(run, TLS.signed);
        assert.equal(values.tls.ca, ca.state.certPem);
        assert.equal(values.tls.certificate, signed.state.certPem);
        assert.equal(
            signed.inputs.caCertPem,
            ca.state.certPem,
            "the serving certificate is signed by the CA in the caBundle",
        );
        const [request] = ofType(run, TLS.request);
        const servingKey = run.registered.find(
            (resource) => resource.type === TLS.key && resource.state.privateKeyPem === request.inputs.privateKeyPem,
        );
        assert.ok(servingKey, "the certificate request is made with one of the program's keys");
        assert.equal(values.tls.key, servingKey.state.privateKeyPem);
        assert.notEqual(signed.inputs.caPrivateKeyPem, values.tls.key, "the CA's key stays out of the cluster");
    });

    it("the key is a Pulumi secret in the Release's values", async () => {
        const declared = run.declared.find(
            (resource) =>
                resource.type === "kubernetes:helm.sh/v3:Release" && resource.name.includes("prometheus-adapter"),
        );
        assert.ok(declared);
        const tls = (declared.props.values as Record<string, any>).tls;
        assert.ok(pulumi.Output.isInstance(tls.key), "the key is an Output");
        assert.equal(await pulumi.isSecret(tls.key), true);
    });

    it("the certificate names the Service the APIService dials, the CA is a CA, both outlive the cluster", () => {
        // The APIService's spec.service is `k8s-prometheus-adapter.fullname` in the release's namespace
        // (prometheus-adapter-5.3.0 templates/custom-metrics-apiservice.yaml); release prometheus-adapter in monitoring.
        const [request] = ofType(run, TLS.request);
        assert.deepEqual([...request.inputs.dnsNames].sort(), [
            "prometheus-adapter.monitoring.svc",
            "prometheus-adapter.monitoring.svc.cluster.local",
        ]);
        const [ca] = ofType(run, TLS.selfSigned);
        const [signed] = ofType(run, TLS.signed);
        assert.equal(ca.inputs.isCaCertificate, true);
        assert.ok(ca.inputs.allowedUses.includes("cert_signing"));
        assert.ok(signed.inputs.allowedUses.includes("server_auth"));
        for (const cert of [ca, signed]) {
            assert.ok(
                cert.inputs.validityPeriodHours >= 10 * 365 * 24,
                `${cert.name}: never renewed by the program, so ten years at least`,
            );
            assert.ok(
                !cert.inputs.earlyRenewalHours,
                `${cert.name}: no early renewal, so no \`pulumi up\` replaces it unasked`,
            );
        }
    });
});
