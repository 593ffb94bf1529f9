package org.crmwarehouse.generate;

import java.util.SplittableRandom;

/** What the entity writers share about the customer being generated. Reused from customer to customer. */
final class CustomerContext {
    long index;
    String id;
    String pad;               // the index part of every id derived from this customer, e.g. "0000042"
    SplittableRandom random;
    long createdSec;
    int channel;
    long referrerIndex;       // -1 = none
    String owner;
    int region;
    String city;
    // filled by PurchaseHistory
    long firstOrderCents;
    long lastOrderSec;
    boolean droppedOut;
}
