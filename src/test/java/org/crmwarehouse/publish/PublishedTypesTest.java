package org.crmwarehouse.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.transform.ModelCatalog;
import org.junit.jupiter.api.Test;

/**
 * Published tables are read by Parquet readers, Spark and BI tools: their columns keep to types
 * all of those understand. DuckDB's sum() of integers is HUGEINT (128-bit), which most of them
 * do not, so a mart must cast such sums (to BIGINT).
 */
class PublishedTypesTest {
    private static final Set<String> UNPORTABLE = Set.of("HUGEINT", "UHUGEINT", "UBIGINT", "UINTEGER", "INTERVAL");

    @Test
    void noPublishedColumnHasAnUnportableType() {
        Contract contract = Contract.standard();
        List<String> offenders = new ArrayList<>();
        for (DataDictionary.Table table : new DataDictionary(contract, ModelCatalog.packaged(contract)).tables()) {
            for (Map.Entry<String, String> column : table.types().entrySet()) {
                if (UNPORTABLE.contains(column.getValue())) {
                    offenders.add(table.name() + "." + column.getKey() + " " + column.getValue());
                }
            }
        }
        assertThat(offenders).as("published columns with types Parquet/Spark/BI readers do not share").isEmpty();
    }
}
