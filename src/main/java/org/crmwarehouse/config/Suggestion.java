package org.crmwarehouse.config;

import java.util.Collection;
import java.util.Locale;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean ...?" for a mistyped name: the closest known name within a few edits. */
final class Suggestion {
    private static final LevenshteinDistance DISTANCE = LevenshteinDistance.getDefaultInstance();

    private Suggestion() {
    }

    /**
     * The known name closest to {@code name}, within 2 edits (1 for names of up to 4 characters) or
     * a third of the name's length, whichever is more; null when none is that close.
     */
    static String closest(String name, Collection<String> known) {
        String lower = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(lower.length() <= 4 ? 1 : 2, lower.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = DISTANCE.apply(lower, candidate.toLowerCase(Locale.ROOT));
            if (d <= limit && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }
}
