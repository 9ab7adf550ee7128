# Prints the NUL-separated (Vectorscan-compiled) 'flags:regex' arguments (i = caseless, c = case-sensitive) for patterns of detectors accepting role argv[1] and reading field argv[2]
import sys, glob, os, re, yaml
role, field = sys.argv[1], sys.argv[2]
out=[]
for p in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../config/detectors/*.yaml'))):
    d=yaml.safe_load(open(p))
    if d.get('kind','rules')!='rules': continue
    if 'roles' in d and role not in d['roles']: continue
    for pat in d['patterns']:
        fields=pat.get('fields', d.get('fields',['text']))
        if field not in fields: continue
        if 'literal' in pat:
            ex=''.join(c if c.isalnum() and ord(c)<128 else ''.join('\\x%02X'%b for b in c.encode()) for c in pat['literal'])
        else:
            ex=pat['regex']
            # [class]{N,} with N >= 8 is matched by ByteRunPattern, not Vectorscan.
            m=re.fullmatch(r'\[[^\]^][^\]]*\]\{(\d+)(,\d*)?\}', ex)
            if m and int(m.group(1)) >= 8: continue
        fl='c' if pat.get('case_sensitive') else 'i'
        out.append(fl+':'+ex)
sys.stdout.write('\0'.join(out))
