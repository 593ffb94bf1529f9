package org.crmwarehouse.contract;

import java.util.List;
import java.util.Optional;

/**
 * One entity of the input contract: its columns in file order, its primary key and the rules that
 * tie several of its columns together ({@link RowRule}).
 */
public record EntityContract(String name, String description, List<ColumnContract> columns, List<RowRule> rowRules) {

    public EntityContract {
        columns = List.copyOf(columns);
        rowRules = rowRules == null ? List.of() : List.copyOf(rowRules);
    }

    public EntityContract(String name, String description, List<ColumnContract> columns) {
        this(name, description, columns, List.of());
    }

    /**
     * A rule over several columns of one row (an end date not before its start date; a status that
     * agrees with the end date). {@code invalidWhen} is a SQL condition over the row's typed
     * columns that is true for a broken row; the row is quarantined with {@code reason} against
     * {@code column}, and {@code detail} says what was expected.
     */
    public record RowRule(String column, String reason, String invalidWhen, String detail) {
    }

    public List<ColumnContract> keyColumns() {
        return columns.stream().filter(ColumnContract::key).toList();
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnContract::name).toList();
    }

    public Optional<ColumnContract> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /** Entities this one refers to (itself included when it refers to itself). */
    public List<String> referencedEntities() {
        return columns.stream()
                .filter(c -> c.references() != null)
                .map(c -> c.references().entity())
                .distinct()
                .toList();
    }
}
