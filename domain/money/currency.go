// Package money holds what the engine knows about currencies. Amounts are
// int64 counts of a currency's minor unit (cents for EUR, yen for JPY), so
// sums are exact; a currency's exponent says how many digits of an amount
// are the fraction when it is shown.
package money

// exponents maps each active ISO 4217 currency code to its minor-unit
// exponent. Codes without minor units (JPY) have 0; most have 2.
var exponents = func() map[string]int {
	m := map[string]int{}
	for _, c := range []string{
		"AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
		"BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP",
		"CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
		"GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR",
		"JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL",
		"MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN",
		"NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB",
		"SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
		"SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VES",
		"WST", "XCD", "YER", "ZAR", "ZMW", "ZWG",
	} {
		m[c] = 2
	}
	for _, c := range []string{"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"} {
		m[c] = 0
	}
	for _, c := range []string{"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"} {
		m[c] = 3
	}
	m["CLF"], m["UYW"] = 4, 4
	return m
}()

// Known reports whether code is an active ISO 4217 currency code.
func Known(code string) bool {
	_, ok := exponents[code]
	return ok
}

// Exponent returns the number of minor-unit digits of the currency code
// (2 for EUR: 1234 is 12.34), and false for a code that is not known.
func Exponent(code string) (int, bool) {
	e, ok := exponents[code]
	return e, ok
}
