package org.crmwarehouse.cli;
public class CrmWarehouse { public static void main(String[] a) {} }
