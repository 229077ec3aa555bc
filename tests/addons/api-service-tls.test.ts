// The API server verifies the metrics APIServices' certificates (issue 21): metrics-server's chart
// generates its certificate in the cluster and puts it in the APIService's caBundle; no key passes
// through the program's values (and so through Pulumi state).
import { strict as assert } from "assert";
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
            assert.ok(values.tls.helm.certDurationDays >= 3650, "a certificate that is never renewed must outlive the cluster's usual life");
            assert.equal(values.apiService.insecureSkipTLSVerify, false);
            assert.equal(values.apiService.caBundle, "", "no CA from the program: Helm's own");
        });

        it(`${stack}: no release's values carry key material`, () => {
            for (const spec of specs) {
                assert.doesNotMatch(JSON.stringify(spec.values), /PRIVATE KEY|BEGIN CERTIFICATE/, spec.name);
            }
        });
    }
});
