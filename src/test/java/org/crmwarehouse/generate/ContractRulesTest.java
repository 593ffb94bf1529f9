package org.crmwarehouse.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractRulesTest {

    @Test
    void withoutBadRowsEveryRowSatisfiesEveryContractRule(@TempDir Path dir) throws Exception {
        GenerationSummary summary = GeneratorTestSupport.generate(dir, 2000, 7, 0);
        assertThat(summary.badRows()).isZero();
        Map<String, ContractRules.Result> results = ContractRules.check(dir, GeneratorTestSupport.END, summary.rowsPerFile());
        assertThat(results).hasSize(10);
        results.forEach((entity, r) -> {
            assertThat(r.dataRows()).as(entity + " rows").isPositive();
            assertThat(r.loadedRows()).as(entity + " rows the CSV reader could split").isEqualTo(r.dataRows());
            assertThat(r.violatingRows()).as(entity + " rows breaking a rule").isZero();
        });
    }

    @Test
    void badRateCorruptsAboutThatShareOfRowsAndCountsThemExactly(@TempDir Path dir) throws Exception {
        GenerationSummary summary = GeneratorTestSupport.generate(dir, 2000, 7, 0.05);
        Map<String, ContractRules.Result> results = ContractRules.check(dir, GeneratorTestSupport.END, summary.rowsPerFile());
        long detected = 0;
        for (Map.Entry<String, ContractRules.Result> e : results.entrySet()) {
            ContractRules.Result r = e.getValue();
            detected += r.badRows();
            if (r.dataRows() >= 2000) // small files (campaigns) are too noisy for a share check
                assertThat((double) r.badRows() / r.dataRows()).as(e.getKey() + " bad share").isBetween(0.035, 0.065);
        }
        assertThat(detected).as("rows DuckDB rejects = rows the generator reports as bad; per entity: " + results).isEqualTo(summary.badRows());
    }
}
