// Generated from rules/scripts/*.yaml by scripts/build-script-texts.ts (npm run build:schema). Do not edit.

/** The words of a known manipulation script for a warning: its name, its steps and the advice that fits it first. */
export interface ScriptText {
  name: string;
  summary: string;
  advice: string[];
  /** Step id → its name. */
  steps: Record<string, string>;
}

export const SCRIPT_TEXTS: Record<string, { en: ScriptText; vi: ScriptText }> = {
  "grooming": {
    "en": {
      "name": "grooming",
      "summary": "Someone builds trust with flattery and gifts, checks you are alone, asks for secrecy, turns the talk sexual, then asks for pictures or to meet.",
      "advice": [
        "Someone who asks you to keep your chats secret, to send pictures or to meet alone is not looking out for you, however kind they were before.",
        "You can stop replying and block them. Save the chat first if you can.",
        "Tell a parent, a teacher or an adult you trust. In Vietnam you can call 111, the child protection line, free of charge."
      ],
      "steps": {
        "trust": "flattery, gifts and \"you're special\"",
        "isolation": "checking you are alone or unsupervised, turning you from family and friends",
        "secrecy": "asking you to keep it secret",
        "sexual": "sexual talk",
        "meeting_or_images": "asking to meet, for pictures, or to move to a private app",
        "threat": "threats when you hesitate"
      }
    },
    "vi": {
      "name": "dụ dỗ, lôi kéo (grooming)",
      "summary": "Một người lấy lòng bạn bằng lời khen và quà, dò xem bạn có ở một mình không, đòi giữ bí mật, lái sang chuyện tình dục, rồi xin ảnh hoặc đòi gặp.",
      "advice": [
        "Người bắt bạn giấu chuyện nhắn tin, xin ảnh hoặc đòi gặp riêng không phải người thật lòng lo cho bạn, dù trước đó họ tốt với bạn thế nào.",
        "Bạn có thể ngừng trả lời và chặn họ. Nếu được, hãy lưu cuộc trò chuyện lại trước.",
        "Hãy kể với bố mẹ, thầy cô hoặc người lớn bạn tin. Bạn có thể gọi miễn phí Tổng đài bảo vệ trẻ em 111."
      ],
      "steps": {
        "trust": "khen ngợi, tặng quà, \"em đặc biệt\"",
        "isolation": "dò xem bạn có ở một mình, xa lánh gia đình và bạn bè",
        "secrecy": "đòi giữ bí mật",
        "sexual": "nói chuyện tình dục",
        "meeting_or_images": "đòi gặp, xin ảnh, hoặc rủ sang ứng dụng riêng",
        "threat": "đe dọa khi bạn ngần ngại"
      }
    }
  },
  "online-kidnapping": {
    "en": {
      "name": "the fake-police scam (online kidnapping)",
      "summary": "Someone posing as police, a prosecutor or a court accuses you of a crime, demands secrecy, sends you somewhere alone with a video call kept open, then asks you or your family for money.",
      "advice": [
        "Real police, prosecutors and courts never investigate by phone or video call, never ask you to keep it secret from your family, never send you to a hotel and never ask for money or a \"safe account\".",
        "Hang up and stop replying. You are not in trouble for doing so.",
        "Tell a parent or an adult you trust right now, and call the police yourself on a number you look up (113 in Vietnam)."
      ],
      "steps": {
        "impersonation": "someone posing as police, prosecutor or court",
        "accusation": "an accusation of a crime (money laundering, drugs, a wanted notice)",
        "secrecy": "a demand to keep it secret, even from your family",
        "isolation": "being sent somewhere alone (a hotel, a new SIM, cutting contact)",
        "surveillance": "a video call or screen share kept open to watch you",
        "money": "money (\"a safe account\", proving you are clean, ransom to the family)"
      }
    },
    "vi": {
      "name": "chiêu giả danh công an (bắt cóc online)",
      "summary": "Kẻ giả danh công an, viện kiểm sát hoặc tòa án vu cho bạn liên quan tới một vụ án, đòi giữ bí mật, bảo bạn đi một mình tới khách sạn và giữ cuộc gọi video, rồi đòi tiền bạn hoặc gia đình bạn.",
      "advice": [
        "Công an, viện kiểm sát, tòa án thật không bao giờ làm việc qua điện thoại hay cuộc gọi video, không bắt bạn giấu gia đình, không bảo bạn tới khách sạn và không đòi tiền hay \"tài khoản an toàn\".",
        "Tắt máy và ngừng trả lời. Bạn không có lỗi gì khi làm vậy.",
        "Báo ngay cho bố mẹ hoặc người lớn bạn tin, và tự gọi công an qua số bạn tự tra (113)."
      ],
      "steps": {
        "impersonation": "giả danh công an, viện kiểm sát hoặc tòa án",
        "accusation": "vu cho bạn phạm tội (rửa tiền, ma túy, lệnh truy nã)",
        "secrecy": "đòi giữ bí mật, kể cả với gia đình",
        "isolation": "bảo bạn đi một mình (khách sạn, nhà nghỉ, SIM mới, cắt liên lạc)",
        "surveillance": "giữ cuộc gọi video hoặc chia sẻ màn hình để theo dõi bạn",
        "money": "tiền (\"tài khoản an toàn\", chứng minh trong sạch, tiền chuộc gia đình)"
      }
    }
  },
  "sextortion": {
    "en": {
      "name": "sextortion (blackmail with pictures)",
      "summary": "Someone gets intimate pictures or a recording, threatens to send them to your friends or family, sets a deadline and demands money or more pictures.",
      "advice": [
        "Do not pay and do not send anything more, because paying almost never ends it. Stop replying, but do not delete the chat.",
        "This is not your fault. Tell an adult you trust today; police and child-protection lines deal with this often and can help take images down.",
        "Save the account name, the chat and the demands as evidence, then block and report the account."
      ],
      "steps": {
        "images": "intimate pictures or a recorded video call",
        "threat_to_share": "a threat to share them",
        "deadline": "a deadline",
        "money": "a demand for money or more pictures"
      }
    },
    "vi": {
      "name": "tống tiền bằng ảnh, clip nhạy cảm",
      "summary": "Kẻ xấu có ảnh hoặc clip nhạy cảm của bạn, dọa gửi cho bạn bè, gia đình, đặt hạn chót và đòi tiền hoặc thêm ảnh.",
      "advice": [
        "Đừng chuyển tiền và đừng gửi thêm gì, vì trả tiền gần như không bao giờ làm kẻ xấu dừng lại. Ngừng trả lời nhưng đừng xóa cuộc trò chuyện.",
        "Đây không phải lỗi của bạn. Hãy kể với người lớn bạn tin ngay hôm nay; công an và Tổng đài 111 thường xuyên giúp những trường hợp như vậy và có thể giúp gỡ ảnh.",
        "Lưu lại tên tài khoản, cuộc trò chuyện và các lời đòi hỏi làm bằng chứng, rồi chặn và báo cáo tài khoản đó."
      ],
      "steps": {
        "images": "ảnh nhạy cảm hoặc cuộc gọi video bị ghi lại",
        "threat_to_share": "dọa phát tán",
        "deadline": "đặt hạn chót",
        "money": "đòi tiền hoặc thêm ảnh"
      }
    }
  }
};
