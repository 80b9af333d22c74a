package lib.gatehouse.quantity_test

import data.lib.gatehouse.quantity

test_cpu if {
	quantity.parse("2") == 2
	quantity.parse("500m") == 0.5
	quantity.parse("2000m") == 2
	quantity.parse("1.5") == 1.5
	quantity.parse(".5") == 0.5
	quantity.parse(2) == 2
	quantity.parse(0.25) == 0.25
}

test_memory if {
	quantity.parse("4Gi") == 4294967296
	quantity.parse("512Mi") == 536870912
	quantity.parse("1Ki") == 1024
	quantity.parse("1Ti") == 1099511627776
	quantity.parse("1k") == 1000
	quantity.parse("128M") == 128000000
	quantity.parse("1G") == 1000000000
	quantity.parse("2T") == 2000000000000
	quantity.parse("1.5Gi") == 1610612736
	quantity.parse("1e3") == 1000
	quantity.parse("1E") == 1000000000000000000
}

test_invalid if {
	not quantity.is_quantity("")
	not quantity.is_quantity("abc")
	not quantity.is_quantity("1GB")
	not quantity.is_quantity("1.2.3")
	not quantity.is_quantity("-1")
	not quantity.is_quantity(-1)
	not quantity.is_quantity(null)
	quantity.is_quantity("0")
}
