package org.crmwarehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The real error of a failed statement comes first. The driver's own message is checked first,
 * so that this test says when a DuckDB upgrade stops wrapping errors (duckdb/duckdb#18106).
 */
class DuckDbErrorsTest {

    @Test
    void theDriverWrapsTheRealErrorAndDbBringsItToTheFront() throws Exception {
        try (Connection db = Db.inMemory()) {
            String driver;
            try (Statement s = db.createStatement()) {
                s.execute("SELECT * FROM no_such_table");
                throw new AssertionError("the statement should fail");
            } catch (SQLException e) {
                driver = e.getMessage();
            }
            assertThat(driver).startsWith("Invalid Input Error: Attempting to execute an unsuccessful or closed "
                    + "pending query result").contains("\nError: Catalog Error: Table with name no_such_table");

            assertThatThrownBy(() -> Db.execute(db, "SELECT * FROM no_such_table"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageStartingWith("Catalog Error: Table with name no_such_table does not exist!")
                    .hasNoCause();
            assertThatThrownBy(() -> Db.queryLong(db, "SELECT count(*) FROM no_such_table"))
                    .hasMessageStartingWith("Catalog Error: Table with name no_such_table");
            assertThatThrownBy(() -> Db.queryStrings(db, "SELECT x FROM no_such_table"))
                    .hasMessageStartingWith("Catalog Error: Table with name no_such_table");
        }
    }

    @Test
    void whatComesBeforeTheWrappingStaysAndOtherMessagesAreUnchanged() {
        assertThat(DuckDbErrors.readable("java.sql.SQLException: model marts/x.sql failed: Invalid Input Error: "
                + "Attempting to execute an unsuccessful or closed pending query result\nError: Binder Error: "
                + "column y not found\n\tat org.duckdb.DuckDBNative.duckdb_jdbc_execute_pending(Native Method)"))
                .isEqualTo("java.sql.SQLException: model marts/x.sql failed: Binder Error: column y not found\n"
                        + "\tat org.duckdb.DuckDBNative.duckdb_jdbc_execute_pending(Native Method)");
        // the same words with nothing after them (a closed result set): nothing better to show
        String bare = "Invalid Input Error: Attempting to execute an unsuccessful or closed pending query result";
        assertThat(DuckDbErrors.readable(bare)).isEqualTo(bare);
        assertThat(DuckDbErrors.readable("Conversion Error: Could not convert string 'x' to INT32"))
                .isEqualTo("Conversion Error: Could not convert string 'x' to INT32");
        assertThat(DuckDbErrors.readable((String) null)).isNull();
        SQLException plain = new SQLException("IO Error: Could not set lock on file");
        assertThat((Object) DuckDbErrors.readable(plain)).isSameAs(plain);
    }
}
