package catalog

// phrases is the fixed wording of the SLA template in one language, written
// after the Persian seeds.
type phrases struct {
	lang, dir, sep, thousands string

	title, intro, introText, description, goalText, legal, obligations string
	orgDuties, applicantDuties, data, dataText, fees, free, fixed      string
	disputes, disputeText, disputeTimes, period, periodText            string
	versionText, renewText, end, endText                               string
	party, signatory, signature, organization, applicant               string

	field, value, serviceID, serviceName, serviceType, unit, applicants string
	onlyFor                                                             string
	// tariff and tariffAgreed price one tariff item (§6), before VAT.
	tariff, tariffAgreed                                                string
	hours, average, maximum, visits, questions, channel, kind, kindText string
	document                                                            string

	dataHeaders                                   []string
	applicantTypes, storage, yesNo, public, level map[string]string
	units                                         map[string]string
	months                                        []string
	mark                                          func(path string) string // "(example)" or nothing
}

func phrasesFor(lang string) phrases {
	if lang == "en" {
		return english()
	}
	return persian()
}

func persian() phrases {
	return phrases{
		lang: "fa", dir: "rtl", sep: "، ", thousands: "٬",
		title:           "توافق‌نامه سطح خدمت %s",
		intro:           "مقدمه",
		introText:       "این توافق‌نامه سطح خدمات به منزله قراردادی میان %s (که از این پس «سازمان» خوانده می‌شود) از یک سو و %s (که از این پس «متقاضی» خوانده می‌شود) از سوی دیگر است. این توافق‌نامه بر تکالیف و مسئولیت‌های هر دو طرف، عملکرد و کیفیت مورد انتظار از خدمات ارائه‌شده و جرایم درنظرگرفته‌شده در صورت تخطی از کیفیت مورد انتظار تمرکز دارد.",
		description:     "هدف و شناسنامه خدمت",
		goalText:        "هدف از این توافق‌نامه سطح خدمت، ارائه باکیفیت خدمت «%s» از سوی سازمان فناوری اطلاعات ایران است. این بیانیه توافق دوجانبه سطح خدمت، روش‌ها و مسئولیت‌های نظارتی و سازمانی را در صورت لزوم مشخص می‌کند. شناسنامه خدمت در جدول زیر آمده است.",
		legal:           "مسئولیت و مبنای قانونی",
		obligations:     "تعهدات متقابل خدمت‌گیرنده و دستگاه اجرایی",
		orgDuties:       "تعهدات سازمان فناوری اطلاعات ایران در خصوص خدمت «%s»",
		applicantDuties: "تعهدات خدمت‌گیرنده در خصوص خدمت «%s»",
		data:            "داده‌های مرتبط با خدمت",
		dataText:        "در جدول زیر، برای هر نوع داده‌ای که طرفین ارائه می‌کنند، محدوده استفاده سازمان از آن و شرایط آن برای طرف دیگر مشخص شده است.",
		fees:            "هزینه‌ها و پرداخت‌ها",
		free:            "خدمت در حال حاضر رایگان است.",
		fixed:           "هزینه دریافت خدمت %s ریال است.",
		tariff:          "%s: %s ریال (پیش از مالیات بر ارزش افزوده).",
		tariffAgreed:    "%s: طبق توافق طرفین.",
		disputes:        "فرایند حل اختلاف",
		disputeText:     "در صورت بروز اختلاف میان سازمان ارائه‌دهنده و دریافت‌کننده خدمت در اجرای مفاد این توافق‌نامه، اختلاف در وهله اول از طریق مذاکره میان طرفین حل می‌شود. اگر اختلاف از طریق مذاکره رفع نشود، متقاضی می‌تواند از طریق سازوکار معرفی‌شده در میز خدمت شکایت خود را ثبت کند. شکایت را کمیته‌ای در داخل سازمان بررسی می‌کند و نتیجه به متقاضی اعلام می‌شود.",
		disputeTimes:    "سازمان به درخواست مذاکره حداکثر ظرف %s پاسخ می‌دهد و کمیته رسیدگی با حضور دست‌کم %s عضو، حداکثر ظرف %s درباره شکایت تصمیم می‌گیرد.",
		period:          "دوره عملکرد",
		periodText:      "این توافق‌نامه سطح خدمت از %s تا %s اعتبار دارد.",
		versionText:     "این متن نسخه %s توافق‌نامه است و از %s برای درخواست‌های جدید اجرا می‌شود؛ هر درخواست تا پایان با نسخه‌ای که با آن آغاز شده است ادامه می‌یابد.",
		renewText:       "در صورت صلاحدید و نیاز به اعمال تغییر، توافق‌نامه سطح خدمت جدیدی برای دوره بعد تهیه و امضا می‌شود تا ارائه خدمات ادامه یابد.",
		end:             "خاتمه توافق‌نامه",
		endText:         "این توافق‌نامه در نه بند تدوین شده است.",
		party:           "طرف توافق", signatory: "نام و سمت", signature: "امضا",
		organization: "سازمان", applicant: "متقاضی",
		field: "عنوان", value: "شرح",
		serviceID: "شناسه خدمت", serviceName: "نام خدمت", serviceType: "نوع خدمت",
		onlyFor: "(فقط برای: %s)",
		unit:    "دستگاه مسئول", applicants: "گیرندگان خدمت", hours: "ساعات ارائه خدمت",
		average: "میانگین زمان ارائه خدمت", maximum: "حداکثر زمان ارائه خدمت",
		visits: "حداکثر دفعات مراجعه حضوری", questions: "زمان پاسخ به پرسش‌ها",
		channel: "کانال ارتباطی", kind: "نوع درخواست", kindText: "%s (حداکثر %s)",
		document:       "مدرک مورد نیاز",
		dataHeaders:    []string{"شناسه", "نوع داده", "ارائه‌کننده", "دریافت‌کننده", "سطح ذخیره‌سازی", "استفاده برای تحلیل و داده‌کاوی", "قابلیت نمایش برای عموم", "سطح انتشار"},
		applicantTypes: map[string]string{ApplicantPerson: "اشخاص حقیقی", ApplicantOrg: "شرکت‌ها و اشخاص حقوقی", ApplicantGovernment: "دستگاه‌های دولتی"},
		storage:        map[string]string{"full": "کامل"},
		yesNo:          map[string]string{"true": "بلی", "false": "خیر"},
		public:         map[string]string{"yes": "بلی", "no": "خیر", "if_needed": "بلی، در صورت نیاز"},
		level:          map[string]string{"organization": "سطح سازمان", "public": "سطح مردم"},
		units:          map[string]string{UnitBusinessDays: "روز کاری", UnitBusinessHours: "ساعت کاری", UnitHours: "ساعت", UnitMinutes: "دقیقه"},
		months:         []string{"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"},
	}
}

func english() phrases {
	return phrases{
		lang: "en", dir: "ltr", sep: ", ", thousands: ",",
		title:           "Service level agreement: %s",
		intro:           "Introduction",
		introText:       "This service level agreement is a contract between %s (hereafter \"the Organization\") on one side and %s (hereafter \"the Applicant\") on the other. It sets out the duties and responsibilities of both parties, the performance and quality expected of the service, and the penalties set for failing to meet that quality.",
		description:     "Purpose and service identity card",
		goalText:        "The purpose of this agreement is the delivery, with quality, of the service \"%s\" by the Information Technology Organization of Iran. This statement of the agreed service level sets out, where needed, the methods and the supervisory and organizational responsibilities. The service identity card follows.",
		legal:           "Responsibility and legal basis",
		obligations:     "Mutual obligations of the applicant and the Organization",
		orgDuties:       "Obligations of the Information Technology Organization of Iran for the service \"%s\"",
		applicantDuties: "Obligations of the applicant for the service \"%s\"",
		data:            "Data about the service",
		dataText:        "The table below sets out, for every kind of data that either party provides, how far the Organization may use it and on what terms for the other party.",
		fees:            "Fees and payments",
		free:            "The service is free at present.",
		fixed:           "The fee for the service is %s rials.",
		tariff:          "%s: %s rials (before VAT).",
		tariffAgreed:    "%s: by agreement between the parties.",
		disputes:        "Resolving disputes",
		disputeText:     "If the Organization and the applicant disagree about how this agreement is carried out, they first try to settle the dispute by negotiation. If negotiation fails, the applicant may file a complaint through the mechanism published on the service desk; a committee inside the Organization reviews it and the result is announced to the applicant.",
		disputeTimes:    "The Organization answers a request to negotiate within %s; the committee, with at least %s members present, decides on a complaint within %s.",
		period:          "Period",
		periodText:      "This service level agreement is valid from %s to %s.",
		versionText:     "This text is version %s of the agreement and applies to new requests from %s; every request keeps, to its end, the version it began under.",
		renewText:       "Where judged necessary and changes are needed, a new service level agreement is drawn up and signed for the next period so that the service continues.",
		end:             "End of the agreement",
		endText:         "This agreement has nine sections.",
		party:           "Party", signatory: "Name and position", signature: "Signature",
		organization: "The Organization", applicant: "The Applicant",
		field: "Item", value: "Details",
		serviceID: "Service ID", serviceName: "Service name", serviceType: "Service type",
		onlyFor: "(only for: %s)",
		unit:    "Responsible body", applicants: "Who may apply", hours: "Service hours",
		average: "Average delivery time", maximum: "Maximum delivery time",
		visits: "Maximum in-person visits", questions: "Time to answer questions",
		channel: "Channel", kind: "Kind of request", kindText: "%s (at most %s)",
		document:       "Document required",
		dataHeaders:    []string{"ID", "Data", "Provider", "Receiver", "Storage", "Used for analytics and data mining", "Publicly viewable", "Publication level"},
		applicantTypes: map[string]string{ApplicantPerson: "natural persons", ApplicantOrg: "companies and other legal persons", ApplicantGovernment: "government bodies"},
		storage:        map[string]string{"full": "full"},
		yesNo:          map[string]string{"true": "yes", "false": "no"},
		public:         map[string]string{"yes": "yes", "no": "no", "if_needed": "yes, if needed"},
		level:          map[string]string{"organization": "Organization", "public": "public"},
		units:          map[string]string{UnitBusinessDays: "business day", UnitBusinessHours: "business hour", UnitHours: "hour", UnitMinutes: "minute"},
		months:         []string{"Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"},
	}
}
