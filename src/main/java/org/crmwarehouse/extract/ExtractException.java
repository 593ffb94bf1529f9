package org.crmwarehouse.extract;

/** An input that cannot be read at all (missing file, missing required header column...). */
public class ExtractException extends RuntimeException {
    public ExtractException(String message) {
        super(message);
    }

    public ExtractException(String message, Throwable cause) {
        super(message, cause);
    }
}
