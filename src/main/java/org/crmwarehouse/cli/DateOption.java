package org.crmwarehouse.cli;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Every date option of the command line: exactly YYYY-MM-DD with a four-digit year. Java's own
 * parser also takes {@code +12026-06-30}, which then ran a night's extract before failing.
 */
final class DateOption implements ITypeConverter<LocalDate> {
    private static final DateTimeFormatter ISO_DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    @Override
    public LocalDate convert(String value) {
        String text = value.trim();
        if (!text.matches("\\d{4}-\\d{2}-\\d{2}")) {
            throw new TypeConversionException("'" + value + "' is not a date YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(text, ISO_DATE);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a date of the calendar (YYYY-MM-DD)");
        }
    }
}
