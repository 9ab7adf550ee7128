# Bench-like texts (the sentences of BenchEventGenerator, padded to 460-600 bytes), one per line.
import random
random.seed(42)
E=["Can you help me write a summary of the quarterly report for the finance team?","Please refactor this function so that it handles empty input without crashing.","What are good practices for rotating database credentials in a small company?","Translate the following paragraph into formal French for a customer letter.","I need a gentle reminder email to colleagues about the offsite next Thursday.","Explain the difference between a mutex and a semaphore with a short example."]
M=["Bonjour, pourriez-vous résumer ce document en français élégant, s'il vous plaît ?","Könnten Sie bitte die Ergebnisse für das Team übersichtlich zusammenfassen?","请帮我把这段文字翻译成英文，并保持语气礼貌和专业。","この文章をもっと自然な日本語に直してください。よろしくお願いします。","Пожалуйста, помогите составить письмо клиенту о задержке поставки.","¿Puedes ayudarme a planificar un viaje de cinco días por Andalucía?"]
import sys
with open(sys.argv[1] if len(sys.argv) > 1 else "texts.txt","w") as f:
  for i in range(1024):
    t=" ".join([random.choice(E),random.choice(M),random.choice(M),random.choice(E)])
    target=460+random.randrange(140)
    while len(t.encode())<target: t+=" "+random.choice(E+M)
    f.write(t+"\n")
