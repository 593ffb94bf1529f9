package org.crmwarehouse.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterminismTest {
    private static final String[] FILES = {"customers.csv", "leads.csv", "campaigns.csv", "funnel_events.csv",
        "orders.csv", "payments.csv", "contacts.csv", "ad_performance.csv", "subscriptions.csv", "nightly.yaml"};

    @Test
    void sameOptionsGiveByteIdenticalFiles(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("1/out"), b = tmp.resolve("2/out"); // same folder name: nightly.yaml names it
        GenerationSummary sa = GeneratorTestSupport.generate(a, 500, 11, 0.05);
        GenerationSummary sb = GeneratorTestSupport.generate(b, 500, 11, 0.05);
        assertThat(sb).isEqualTo(sa);
        for (String f : FILES) assertThat(Files.mismatch(a.resolve(f), b.resolve(f))).as(f).isEqualTo(-1L);
    }

    @Test
    void anotherSeedGivesOtherData(@TempDir Path tmp) throws Exception {
        GeneratorTestSupport.generate(tmp.resolve("a"), 500, 11, 0);
        GeneratorTestSupport.generate(tmp.resolve("b"), 500, 12, 0);
        assertThat(Files.mismatch(tmp.resolve("a/customers.csv"), tmp.resolve("b/customers.csv"))).isNotEqualTo(-1L);
        assertThat(Files.mismatch(tmp.resolve("a/orders.csv"), tmp.resolve("b/orders.csv"))).isNotEqualTo(-1L);
    }

    @Test
    void goodRowsDoNotDependOnTheBadRate(@TempDir Path tmp) throws Exception {
        // bad rows use their own random stream, so removing them gives back the clean file
        GeneratorTestSupport.generate(tmp.resolve("clean"), 300, 5, 0);
        GeneratorTestSupport.generate(tmp.resolve("dirty"), 300, 5, 0.2);
        var clean = Files.readAllLines(tmp.resolve("clean/payments.csv"));
        var dirty = Files.readAllLines(tmp.resolve("dirty/payments.csv"));
        assertThat(dirty).containsSubsequence(clean);
        assertThat(dirty.size()).isGreaterThan(clean.size());
    }
}
