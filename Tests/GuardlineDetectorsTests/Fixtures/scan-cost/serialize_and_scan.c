// ser out.db flags:regex ...  -> compiles and serializes;  ser -r in.db texts.txt -> scans every text once
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cb(unsigned id, unsigned long long f, unsigned long long t, unsigned fl, void *c){ (*(int*)c)++; return 0; }
__attribute__((noinline)) int scan_all(hs_database_t*db,hs_scratch_t*s,char**texts,int*lens,int n){int h=0; for(int i=0;i<n;i++) hs_scan(db,texts[i],lens[i],0,s,cb,&h); return h;}
int main(int argc,char**argv){
  if(!strcmp(argv[1],"-r")){
    FILE*f=fopen(argv[2],"rb"); fseek(f,0,SEEK_END); long sz=ftell(f); fseek(f,0,SEEK_SET); char*b=malloc(sz); fread(b,1,sz,f); fclose(f);
    hs_database_t*db=NULL; if(hs_deserialize_database(b,sz,&db)!=HS_SUCCESS){fprintf(stderr,"deser\n");return 1;}
    static char*texts[4096]; static int lens[4096]; int n=0; char line[8192]; f=fopen(argv[3],"r");
    while(fgets(line,sizeof line,f)&&n<4096){int l=strlen(line); if(l&&line[l-1]=='\n')line[--l]=0; texts[n]=strdup(line); lens[n]=l; n++;}
    hs_scratch_t*s=NULL; hs_alloc_scratch(db,&s); printf("hits %d over %d texts\n", scan_all(db,s,texts,lens,n), n); return 0;
  }
  const char*ex[512]; unsigned fl[512], ids[512]; unsigned cnt=0;
  for(int i=2;i<argc;i++){ char*p=argv[i]; char*c=strchr(p,':'); unsigned flags=HS_FLAG_SINGLEMATCH; for(char*q=p;q<c;q++) if(*q=='i') flags|=HS_FLAG_CASELESS; fl[cnt]=flags; ids[cnt]=cnt; ex[cnt++]=c+1; }
  hs_database_t*db; hs_compile_error_t*err;
  if(hs_compile_multi(ex,fl,ids,cnt,HS_MODE_BLOCK,NULL,&db,&err)!=HS_SUCCESS){fprintf(stderr,"compile: %s (expr %d)\n",err->message,err->expression);return 1;}
  char*b; size_t sz; hs_serialize_database(db,&b,&sz); FILE*f=fopen(argv[1],"wb"); fwrite(b,1,sz,f); fclose(f); return 0;
}
