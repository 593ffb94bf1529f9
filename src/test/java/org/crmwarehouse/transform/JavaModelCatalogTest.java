package org.crmwarehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.Test;

/** Java models take their place in the dependency order, are built, tested and documented like SQL ones. */
class JavaModelCatalogTest {

    /** Doubles every value of int_numbers into int_doubled. */
    private static final class Doubler implements JavaModel {
        @Override
        public String name() {
            return "int_doubled";
        }

        @Override
        public Set<String> dependencies() {
            return Set.of("int_numbers");
        }

        @Override
        public void build(Connection db) throws SQLException {
            Db.execute(db, "CREATE OR REPLACE TABLE int_doubled AS SELECT 2 * n AS n FROM int_numbers");
        }
    }

    private static final String DOC = "description: test\ncolumns:\n  - {name: n, description: a number, tests: [not_null]}\n";

    private static ModelCatalog catalog(String martCheck) {
        return ModelCatalog.of(
                Map.of("intermediate/int_numbers", "select 1 as n union all select 2",
                        "marts/mart_sum", "select sum(n) as n from int_doubled"),
                Map.of("intermediate/int_numbers", DOC, "intermediate/int_doubled", DOC,
                        "marts/mart_sum", DOC + "checks: [\"" + martCheck + "\"]\n"),
                List.of(), Contract.standard(), List.of(new Doubler()));
    }

    @Test
    void buildsAJavaModelBetweenItsDependencyAndItsDependent() throws Exception {
        ModelCatalog catalog = catalog("n = 6");
        assertThat(catalog.models()).extracting(SqlModel::name).containsExactly("int_numbers", "int_doubled", "mart_sum");
        assertThat(catalog.model("int_doubled").layer()).isEqualTo(SqlModel.Layer.INTERMEDIATE);
        assertThat(catalog.model("mart_sum").dependencies()).containsExactly("int_doubled");
        try (Connection db = Db.inMemory()) {
            new ModelRunner(catalog).run(db, LocalDate.of(2026, 1, 1), Map.of());
            assertThat(Db.queryLong(db, "SELECT n FROM mart_sum")).isEqualTo(6); // (1 + 2) x 2
        }
    }

    @Test
    void runsTheDataTestsOfModelsBuiltOnAJavaModel() throws Exception {
        try (Connection db = Db.inMemory()) {
            assertThatThrownBy(() -> new ModelRunner(catalog("n = 3")).run(db, LocalDate.of(2026, 1, 1), Map.of()))
                    .hasMessageContaining("mart_sum: check(n = 3)");
        }
    }

    @Test
    void aJavaModelNeedsItsDocumentation() {
        assertThatThrownBy(() -> ModelCatalog.of(Map.of(), Map.of(), List.of(), Contract.standard(), List.of(new Doubler())))
                .hasMessageContaining("int_doubled").hasMessageContaining("no documentation file");
    }
}
