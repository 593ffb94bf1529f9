package org.crmwarehouse.contract;

import java.math.BigDecimal;
import java.util.List;

/**
 * One column of a contract entity and the rules its values must satisfy. {@code asOf}: the column
 * dates the row itself, so a row later than the business date is set aside, not quarantined;
 * {@code notFuture}: a value later than the business date is a bad value (FUTURE_DATE). Both use
 * the one rule of {@code ContractValidator#laterThan}.
 */
public record ColumnContract(
        String name,
        ColumnType type,
        boolean required,
        boolean key,
        List<String> allowed,
        BigDecimal min,
        BigDecimal max,
        boolean notFuture,
        boolean asOf,
        Reference references,
        String description) {

    public ColumnContract {
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }

    /** A foreign key: the value must exist as {@code entity.column}. */
    public record Reference(String entity, String column) {
        public static Reference parse(String text) {
            int dot = text.indexOf('.');
            if (dot <= 0 || dot == text.length() - 1) {
                throw new IllegalArgumentException("a reference must look like entity.column, not '" + text + "'");
            }
            return new Reference(org.crmwarehouse.sql.Sql.requireSimpleName("referenced entity", text.substring(0, dot)),
                    org.crmwarehouse.sql.Sql.requireSimpleName("referenced column", text.substring(dot + 1)));
        }

        @Override
        public String toString() {
            return entity + "." + column;
        }
    }
}
