package sample

// The word lists the rows are made from. Countries carry their cities, a
// phone prefix, the legal form companies there use, their currency and the
// first and last names common there, so that a row reads as one place.

type country struct {
	code, currency, phone, legal, domain string
	weight                               int // relative share of customers
	cities, first, last                  []string
}

var countries = []country{
	{code: "DE", currency: "EUR", phone: "+49", legal: "GmbH", domain: "de", weight: 5,
		cities: []string{"Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt am Main", "Stuttgart", "Leipzig", "Dresden"},
		first:  []string{"Anna", "Lukas", "Sophie", "Jonas", "Lena", "Felix", "Marie", "Paul", "Katrin", "Stefan"},
		last:   []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz"}},
	{code: "FR", currency: "EUR", phone: "+33", legal: "SAS", domain: "fr", weight: 4,
		cities: []string{"Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Bordeaux", "Lille", "Strasbourg"},
		first:  []string{"Camille", "Louis", "Chloé", "Hugo", "Léa", "Thomas", "Manon", "Julien", "Claire", "Nicolas"},
		last:   []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"}},
	{code: "GB", currency: "GBP", phone: "+44", legal: "Ltd", domain: "co.uk", weight: 4,
		cities: []string{"London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Edinburgh", "Cardiff"},
		first:  []string{"Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Charlotte", "James", "Grace"},
		last:   []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts", "Walker"}},
	{code: "US", currency: "USD", phone: "+1", legal: "Inc.", domain: "com", weight: 5,
		cities: []string{"New York", "Chicago", "Austin", "Seattle", "Boston", "Denver", "Atlanta", "San Francisco"},
		first:  []string{"Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Mia", "Mason", "Madison", "Logan"},
		last:   []string{"Johnson", "Miller", "Davis", "Garcia", "Rodriguez", "Anderson", "Clark", "Lewis", "Young", "Hall"}},
	{code: "ES", currency: "EUR", phone: "+34", legal: "S.L.", domain: "es", weight: 3,
		cities: []string{"Madrid", "Barcelona", "Valencia", "Seville", "Bilbao", "Málaga", "Zaragoza"},
		first:  []string{"Lucía", "Hugo", "María", "Pablo", "Carmen", "Javier", "Elena", "Diego", "Sara", "Álvaro"},
		last:   []string{"García", "Fernández", "González", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Díaz"}},
	{code: "IT", currency: "EUR", phone: "+39", legal: "S.r.l.", domain: "it", weight: 3,
		cities: []string{"Milan", "Rome", "Turin", "Bologna", "Florence", "Naples", "Verona"},
		first:  []string{"Giulia", "Leonardo", "Francesca", "Marco", "Chiara", "Alessandro", "Sara", "Matteo", "Elisa", "Davide"},
		last:   []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"}},
	{code: "NL", currency: "EUR", phone: "+31", legal: "B.V.", domain: "nl", weight: 2,
		cities: []string{"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "The Hague", "Groningen"},
		first:  []string{"Daan", "Emma", "Sem", "Julia", "Lars", "Sanne", "Bram", "Fleur", "Thijs", "Noor"},
		last:   []string{"de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder"}},
	{code: "SE", currency: "SEK", phone: "+46", legal: "AB", domain: "se", weight: 2,
		cities: []string{"Stockholm", "Gothenburg", "Malmö", "Uppsala", "Linköping"},
		first:  []string{"Elsa", "William", "Astrid", "Oscar", "Maja", "Erik", "Ebba", "Axel", "Ingrid", "Nils"},
		last:   []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Lindqvist", "Berg"}},
	{code: "CH", currency: "CHF", phone: "+41", legal: "AG", domain: "ch", weight: 1,
		cities: []string{"Zurich", "Geneva", "Basel", "Bern", "Lausanne"},
		first:  []string{"Luca", "Mia", "Noah", "Lea", "Elias", "Laura", "Nina", "Simon", "Anja", "Reto"},
		last:   []string{"Keller", "Meier", "Brunner", "Baumann", "Frei", "Gerber", "Huber", "Moser", "Steiner", "Zimmermann"}},
	{code: "CA", currency: "CAD", phone: "+1", legal: "Ltd.", domain: "ca", weight: 1,
		cities: []string{"Toronto", "Montreal", "Vancouver", "Calgary", "Ottawa"},
		first:  []string{"Chloe", "Benjamin", "Zoe", "Samuel", "Hannah", "Nathan", "Abigail", "Owen", "Sophia", "Gabriel"},
		last:   []string{"Tremblay", "Roy", "Gagnon", "MacDonald", "Campbell", "Wong", "Lee", "Côté", "Bouchard", "Stewart"}},
}

// Companies are named after a word and a trade; the legal form comes from
// the country.
var (
	companyWords  = []string{"Northwind", "Bluebird", "Granite", "Alpine", "Harbor", "Silverline", "Evergreen", "Summit", "Meridian", "Brightwater", "Ironbridge", "Redwood", "Lakeside", "Polaris", "Keystone", "Orchard", "Crescent", "Falcon", "Beacon", "Riverstone"}
	companyTrades = []string{"Trading", "Logistics", "Retail", "Engineering", "Supplies", "Systems", "Foods", "Interiors", "Consulting", "Distribution", "Manufacturing", "Pharma"}
)

type product struct {
	name, category string
	price          float64 // list price in EUR
}

// products are what the sample company sells, by category; SKUs are made
// from the category's prefix and the product's number.
var products = []product{
	{"Ergonomic Office Chair", "Furniture", 289.00},
	{"Height-Adjustable Desk 160x80", "Furniture", 549.00},
	{"Filing Cabinet, 3 Drawers", "Furniture", 179.50},
	{"Meeting Table, Oak, 8 Seats", "Furniture", 1290.00},
	{"Bookshelf, White, 5 Shelves", "Furniture", 129.90},
	{"Visitor Chair, Stackable", "Furniture", 64.00},
	{"Monitor Arm, Dual", "Furniture", 89.00},
	{"Laptop 14\" i5 16GB", "Computers", 1149.00},
	{"Laptop 16\" i7 32GB", "Computers", 1899.00},
	{"Desktop PC, Small Form Factor", "Computers", 799.00},
	{"27\" 4K Monitor", "Computers", 349.00},
	{"24\" Full HD Monitor", "Computers", 159.00},
	{"Docking Station USB-C", "Computers", 219.00},
	{"Wireless Keyboard and Mouse", "Computers", 59.90},
	{"Noise-Cancelling Headset", "Computers", 179.00},
	{"Webcam 1080p", "Computers", 69.00},
	{"External SSD 1TB", "Computers", 109.00},
	{"Network Switch, 24 Ports", "Networking", 329.00},
	{"Wi-Fi 6 Access Point", "Networking", 189.00},
	{"Firewall Appliance", "Networking", 899.00},
	{"Patch Cable Cat6, 2 m", "Networking", 4.90},
	{"Rack Cabinet 42U", "Networking", 1150.00},
	{"Copy Paper A4, 500 Sheets", "Office Supplies", 5.49},
	{"Ballpoint Pens, Blue, Box of 50", "Office Supplies", 12.90},
	{"Sticky Notes, 12 Pads", "Office Supplies", 8.75},
	{"Lever Arch Files, Pack of 10", "Office Supplies", 24.90},
	{"Whiteboard 120x90", "Office Supplies", 94.00},
	{"Whiteboard Markers, Set of 8", "Office Supplies", 9.95},
	{"Desk Organiser, Bamboo", "Office Supplies", 19.90},
	{"Label Printer", "Office Supplies", 139.00},
	{"Toner Cartridge, Black", "Printing", 79.00},
	{"Colour Laser Printer", "Printing", 429.00},
	{"Multifunction Printer A3", "Printing", 1590.00},
	{"Document Scanner", "Printing", 389.00},
	{"Ink Cartridge Set, CMYK", "Printing", 54.90},
	{"Coffee Machine, Bean to Cup", "Kitchen", 899.00},
	{"Coffee Beans, 1 kg", "Kitchen", 18.90},
	{"Water Dispenser", "Kitchen", 259.00},
	{"Mugs, Set of 12", "Kitchen", 29.90},
	{"Tea Selection, 100 Bags", "Kitchen", 11.50},
	{"Safety Shoes S3", "Safety", 89.90},
	{"High-Visibility Vest", "Safety", 7.90},
	{"First Aid Kit, Large", "Safety", 49.00},
	{"Fire Extinguisher 6 kg", "Safety", 69.00},
	{"Safety Glasses, Pack of 10", "Safety", 34.50},
	{"Pallet Truck 2500 kg", "Warehouse", 449.00},
	{"Shelving Unit, Steel", "Warehouse", 239.00},
	{"Stretch Film, 6 Rolls", "Warehouse", 42.00},
	{"Packing Tape, 36 Rolls", "Warehouse", 39.90},
	{"Cardboard Boxes, 50 Pieces", "Warehouse", 54.00},
}

var skuPrefix = map[string]string{
	"Furniture": "FUR", "Computers": "CMP", "Networking": "NET", "Office Supplies": "OFS",
	"Printing": "PRT", "Kitchen": "KIT", "Safety": "SAF", "Warehouse": "WHS",
}
