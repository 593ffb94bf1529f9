package org.crmwarehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import org.junit.jupiter.api.Test;

class SqlTest {
    @Test
    void literalDoublesQuotes() throws Exception {
        assertThat(Sql.literal("it's")).isEqualTo("'it''s'");
        assertThat(Sql.literal((String) null)).isEqualTo("NULL");
        String nasty = "x'); DROP TABLE t; --";
        try (Connection db = Db.inMemory()) {
            assertThat(Db.queryStrings(db, "SELECT " + Sql.literal(nasty))).containsExactly(nasty);
        }
        assertThatThrownBy(() -> Sql.literal("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void identifierDoublesDoubleQuotes() {
        assertThat(Sql.identifier("we\"ird")).isEqualTo("\"we\"\"ird\"");
        assertThatThrownBy(() -> Sql.requireSimpleName("model", "x; drop")).isInstanceOf(IllegalArgumentException.class);
    }
}
